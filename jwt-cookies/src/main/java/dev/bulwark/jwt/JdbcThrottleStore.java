package dev.bulwark.jwt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link ThrottleStore} in the service's database (PostgreSQL or H2), so every instance sharing
 * it counts the same attempts: a user name throttled on one replica is throttled on all.
 *
 * <p>Table (created by {@link #createTables()} when asked): {@code bulwark_login_throttle(
 * throttle_key, attempts, window_start, blocked_until)}, times in epoch milliseconds, keys hashed
 * by the guard (no user name or address is stored in clear). Each attempt is one transaction that
 * locks the key's row ({@code SELECT ... FOR UPDATE}), so concurrent attempts on several
 * instances are each counted; every write is committed whatever the pool's {@code autoCommit}.
 * Rows of keys not seen for a day are deleted by {@link #purge(Instant)}, which {@link LoginGuard}
 * calls at most hourly.
 */
public final class JdbcThrottleStore implements ThrottleStore {

    private static final String UNIQUE_VIOLATION = "23505";
    private final DataSource dataSource;

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * A store over the given database.
     *
     * @param dataSource where the table is
     */
    public JdbcThrottleStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates the table if it does not exist.
     *
     * @return this
     * @throws TokenStoreException when the database refuses
     */
    public JdbcThrottleStore createTables() {
        transaction("create the throttle table", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS bulwark_login_throttle (throttle_key VARCHAR(64) PRIMARY KEY, "
                        + "attempts INT NOT NULL, window_start BIGINT NOT NULL, blocked_until BIGINT)");
            }
            return null;
        });
        return this;
    }

    @Override
    public Instant acquire(String key, Instant now, int limit, Duration window, Duration lockout) {
        Objects.requireNonNull(key, "key");
        long t = now.toEpochMilli();
        ensureRow(key, t);
        return transaction("count a login attempt", c -> {
            int attempts;
            long windowStart;
            long blockedUntil;
            try (PreparedStatement ps = c.prepareStatement("SELECT attempts, window_start, blocked_until "
                    + "FROM bulwark_login_throttle WHERE throttle_key = ? FOR UPDATE")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("throttle row vanished for a key (purged concurrently)");
                    }
                    attempts = rs.getInt(1);
                    windowStart = rs.getLong(2);
                    blockedUntil = rs.getLong(3);
                    if (rs.wasNull()) {
                        blockedUntil = -1;
                    }
                }
            }
            if (blockedUntil >= 0 && t < blockedUntil) {
                return Instant.ofEpochMilli(blockedUntil);
            }
            if (t >= windowStart + window.toMillis() || blockedUntil >= 0) {
                windowStart = t;
                attempts = 0;
            }
            attempts++;
            Long blocked = attempts > limit ? t + lockout.toMillis() : null;
            try (PreparedStatement ps = c.prepareStatement("UPDATE bulwark_login_throttle SET attempts = ?, "
                    + "window_start = ?, blocked_until = ? WHERE throttle_key = ?")) {
                ps.setInt(1, attempts);
                ps.setLong(2, windowStart);
                if (blocked == null) {
                    ps.setNull(3, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(3, blocked);
                }
                ps.setString(4, key);
                ps.executeUpdate();
            }
            return blocked == null ? null : Instant.ofEpochMilli(blocked);
        });
    }

    /** Inserts the key's row unless it exists (a concurrent insert on another instance is fine). */
    private void ensureRow(String key, long now) {
        try {
            transaction("count a login attempt", c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO bulwark_login_throttle (throttle_key, attempts, "
                        + "window_start) SELECT ?, 0, ? WHERE NOT EXISTS (SELECT 1 FROM bulwark_login_throttle "
                        + "WHERE throttle_key = ?)")) {
                    ps.setString(1, key);
                    ps.setLong(2, now);
                    ps.setString(3, key);
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (TokenStoreException e) {
            if (!(e.getCause() instanceof SQLException sql) || !UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw e;
            }
        }
    }

    @Override
    public void release(String key) {
        transaction("release a login attempt", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE bulwark_login_throttle SET attempts = attempts - 1 "
                    + "WHERE throttle_key = ? AND attempts > 0")) {
                ps.setString(1, key);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void reset(String key) {
        transaction("reset login attempts", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM bulwark_login_throttle WHERE throttle_key = ?")) {
                ps.setString(1, key);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Deletes the rows of keys neither blocked nor counting attempts since a day before {@code now}.
     *
     * @param now the time
     * @return rows deleted
     */
    @Override
    public int purge(Instant now) {
        long cutoff = now.minus(Duration.ofDays(1)).toEpochMilli();
        return transaction("purge the throttle table", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM bulwark_login_throttle WHERE window_start < ? "
                    + "AND (blocked_until IS NULL OR blocked_until < ?)")) {
                ps.setLong(1, cutoff);
                ps.setLong(2, now.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    /** One transaction at READ COMMITTED, committed whatever the connection's autoCommit; both restored. */
    private <T> T transaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            try {
                if (!autoCommit) {
                    c.rollback();
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
                if (autoCommit) {
                    c.setAutoCommit(false);
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            } finally {
                if (autoCommit) {
                    c.setAutoCommit(true);
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(isolation);
                }
            }
        } catch (SQLException e) {
            throw new TokenStoreException("JdbcThrottleStore: cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
