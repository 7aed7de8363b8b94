package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.alerting.internal.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** The restart contract with the state in table {@code bulwark_alert_state} of a database. */
abstract class StateInDatabaseContract extends StateSurvivesRestartContract {

    /** The database; the same for every engine of one test. */
    abstract DataSource database();

    @Override
    AlertEngine.Builder persisted(AlertEngine.Builder builder) {
        return builder.dataSource(database());
    }

    @Override
    StateStore store() {
        return StateStore.jdbc(database());
    }

    @Override
    void age(String key, Duration by) throws SQLException {
        try (Connection c = database().getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE bulwark_alert_state SET updated_at = updated_at - CAST(? AS INTEGER) * INTERVAL '1' SECOND "
                        + "WHERE state_key = ?")) {
            ps.setInt(1, Math.toIntExact(by.toSeconds()));
            ps.setString(2, key);
            assertThat(ps.executeUpdate()).as("row %s", key).isEqualTo(1);
        }
    }

    @Override
    boolean savedWithinAnHour(String key) {
        try (Connection c = database().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM bulwark_alert_state WHERE state_key = ? AND updated_at > LOCALTIMESTAMP - INTERVAL '1' HOUR")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
