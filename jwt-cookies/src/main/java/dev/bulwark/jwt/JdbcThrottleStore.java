package dev.bulwark.jwt;

import dev.bulwark.core.internal.Jdbc;
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
 * inserts the key's row unless it exists ({@code INSERT ... ON CONFLICT DO NOTHING} on PostgreSQL,
 * {@code MERGE} on H2) and locks it ({@code SELECT ... FOR UPDATE}), so concurrent attempts on several
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
        return transaction("count a login attempt", c -> {
            int attempts = 0;
            long windowStart = 0;
            long blockedUntil = -1;
            boolean found = false;
            // Row ensured and locked in this one transaction; a reset or purge deleting it in between
            // (another transaction) only makes us insert it again.
            for (int tries = 0; tries < 3 && !found; tries++) {
                ensureRow(c, key, t);
                try (PreparedStatement ps = c.prepareStatement("SELECT attempts, window_start, blocked_until "
                        + "FROM bulwark_login_throttle WHERE throttle_key = ? FOR UPDATE")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            found = true;
                            attempts = rs.getInt(1);
                            windowStart = rs.getLong(2);
                            blockedUntil = rs.getLong(3);
                            if (rs.wasNull()) {
                                blockedUntil = -1;
                            }
                        }
                    }
                }
            }
            if (!found) {
                throw new SQLException("throttle row deleted three times while counting an attempt (reset or purged concurrently)");
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

    /**
     * Inserts the key's row unless it exists, in the caller's transaction: {@code INSERT ... ON
     * CONFLICT DO NOTHING} on PostgreSQL (never an error, so the transaction goes on), {@code MERGE}
     * elsewhere (H2), where a unique violation from a concurrent insert leaves the transaction usable.
     */
    private static void ensureRow(Connection c, String key, long now) throws SQLException {
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        String sql = postgres
                ? "INSERT INTO bulwark_login_throttle (throttle_key, attempts, window_start) VALUES (?, 0, ?) "
                        + "ON CONFLICT (throttle_key) DO NOTHING"
                : "MERGE INTO bulwark_login_throttle t USING (VALUES (CAST(? AS VARCHAR(64)), CAST(? AS BIGINT))) "
                        + "AS s(k, w) ON t.throttle_key = s.k WHEN NOT MATCHED THEN INSERT (throttle_key, attempts, "
                        + "window_start) VALUES (s.k, 0, s.w)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            ps.setLong(2, now);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (postgres || !UNIQUE_VIOLATION.equals(e.getSQLState())) {
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

    /** One transaction of its own at READ COMMITTED, committed whatever the pool's autoCommit (core's {@code Jdbc}). */
    private <T> T transaction(String what, Work<T> work) {
        try {
            return Jdbc.inTransaction(dataSource, work::run);
        } catch (SQLException e) {
            throw new TokenStoreException("JdbcThrottleStore: cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
