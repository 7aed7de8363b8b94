package dev.bulwark.jwt;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import org.postgresql.ds.PGSimpleDataSource;

/** The JDBC store on the real PostgreSQL, two store instances over one database. */
@RequiresService(Service.POSTGRESQL)
class JdbcTokenStorePostgresIT extends TokenStoreContract {

    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

    JdbcTokenStorePostgresIT() {
        dataSource.setURL(TestServices.postgresUrl());
        dataSource.setUser(TestServices.postgresUser());
        dataSource.setPassword(TestServices.postgresPassword());
    }

    @Override
    TokenStore store() {
        return new JdbcTokenStore(dataSource).createTables();
    }
}
