package dev.bulwark.pool.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** A {@link HikariDataSource} whose borrowed connections are watched by a {@link LeakDetector}. */
public final class LeakTrackingDataSource extends HikariDataSource {

    private final LeakDetector detector;

    /**
     * Starts the pool.
     *
     * @param config Hikari configuration
     * @param detector watches borrowed connections
     */
    public LeakTrackingDataSource(HikariConfig config, LeakDetector detector) {
        super(config);
        this.detector = detector;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return detector.track(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return detector.track(super.getConnection(username, password));
    }
}
