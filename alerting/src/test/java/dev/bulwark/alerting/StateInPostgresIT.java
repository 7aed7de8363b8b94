package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.alerting.internal.StateStore;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/** The restart contract with the state in the real PostgreSQL test database. */
@RequiresService(Service.POSTGRESQL)
class StateInPostgresIT extends StateSurvivesRestartContract {

    static PGSimpleDataSource postgres() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(TestServices.postgresUrl());
        ds.setUser(TestServices.postgresUser());
        ds.setPassword(TestServices.postgresPassword());
        return ds;
    }

    @Override
    AlertEngine.Builder persisted(AlertEngine.Builder builder) {
        return builder.dataSource(pg);
    }

    final PGSimpleDataSource pg = postgres();

    @Override
    StateStore store() {
        return StateStore.jdbc(pg);
    }

    @Override
    void age(String key, Duration by) throws Exception {
        try (Connection c = pg.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE bulwark_alert_state SET updated_at = updated_at - CAST(? AS INTEGER) * INTERVAL '1' SECOND "
                        + "WHERE state_key = ?")) {
            ps.setInt(1, Math.toIntExact(by.toSeconds()));
            ps.setString(2, key);
            assertThat(ps.executeUpdate()).as("row %s", key).isEqualTo(1);
        }
    }

    @Override
    boolean savedWithinAnHour(String key) {
        try {
            try (Connection c = pg.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM bulwark_alert_state WHERE state_key = ? AND updated_at > LOCALTIMESTAMP - INTERVAL '1' HOUR")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == 1;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
