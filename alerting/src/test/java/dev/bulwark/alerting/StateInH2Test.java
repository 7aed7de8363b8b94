package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.alerting.internal.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/** The restart contract with the state in an embedded H2 database. */
class StateInH2Test extends StateSurvivesRestartContract {

    final JdbcDataSource h2 = new JdbcDataSource();

    StateInH2Test() {
        h2.setURL("jdbc:h2:mem:alerts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    AlertEngine.Builder persisted(AlertEngine.Builder builder) {
        return builder.dataSource(h2);
    }

    @Override
    StateStore store() {
        return StateStore.jdbc(h2);
    }

    @Override
    void age(String key, Duration by) throws Exception {
        try (Connection c = h2.getConnection(); PreparedStatement ps = c.prepareStatement(
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
            try (Connection c = h2.getConnection(); PreparedStatement ps = c.prepareStatement(
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
