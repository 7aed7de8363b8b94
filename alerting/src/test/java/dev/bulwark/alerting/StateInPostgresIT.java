package dev.bulwark.alerting;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The restart contract with the state in the real PostgreSQL test database. */
@RequiresService(Service.POSTGRESQL)
class StateInPostgresIT extends StateInDatabaseContract {

    final PGSimpleDataSource pg = postgres();

    static PGSimpleDataSource postgres() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(TestServices.postgresUrl());
        ds.setUser(TestServices.postgresUser());
        ds.setPassword(TestServices.postgresPassword());
        return ds;
    }

    @Override
    DataSource database() {
        return pg;
    }
}
