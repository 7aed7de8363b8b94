package dev.bulwark.jwt;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import org.postgresql.ds.PGSimpleDataSource;

/** The throttle contract on the real PostgreSQL: two guards with two store instances over one database (two replicas). */
@RequiresService(Service.POSTGRESQL)
class JdbcThrottleStorePostgresIT extends ThrottleStoreContract {

    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

    JdbcThrottleStorePostgresIT() {
        dataSource.setURL(TestServices.postgresUrl());
        dataSource.setUser(TestServices.postgresUser());
        dataSource.setPassword(TestServices.postgresPassword());
        new JdbcThrottleStore(dataSource).createTables();
    }

    @Override
    ThrottleStore store() {
        return new JdbcThrottleStore(dataSource);
    }

    @Override
    ThrottleStore otherStore() {
        return new JdbcThrottleStore(dataSource);
    }
}
