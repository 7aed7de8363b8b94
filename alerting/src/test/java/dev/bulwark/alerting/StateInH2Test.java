package dev.bulwark.alerting;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The restart contract with the state in an embedded H2 database. */
class StateInH2Test extends StateInDatabaseContract {

    final JdbcDataSource h2 = new JdbcDataSource();

    StateInH2Test() {
        h2.setURL("jdbc:h2:mem:alerts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    DataSource database() {
        return h2;
    }
}
