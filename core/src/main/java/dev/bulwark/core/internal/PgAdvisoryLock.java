package dev.bulwark.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * PostgreSQL session-level advisory locks ({@code pg_try_advisory_lock}) held on a dedicated
 * connection: the lock lives as long as that connection's session, so when the holder's process
 * dies (even by {@code kill -9}) the server frees it. Used where one of several replicas must do
 * something alone (backup's scheduled run, alerting's leader).
 */
public final class PgAdvisoryLock {

    private PgAdvisoryLock() {
    }

    /**
     * Tries to take a lock without waiting.
     *
     * @param dataSource a PostgreSQL data source; one of its connections is held while the lock is
     * @param key the key shared by the replicas
     * @return the connection that holds the lock (close it, or {@link #release}, to free the lock),
     *         or empty when another session holds it
     * @throws SQLException when no connection can be had or the query fails (no connection is left open)
     */
    public static Optional<Connection> tryLock(DataSource dataSource, long key) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return Optional.of(c);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        closeQuietly(c);
        return Optional.empty();
    }

    /**
     * Unlocks and closes the holding connection, quietly: closing the session frees the lock
     * even when the unlock itself fails.
     *
     * @param held the connection {@link #tryLock} returned
     * @param key the lock's key
     */
    public static void release(Connection held, long key) {
        try (PreparedStatement ps = held.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        } catch (SQLException ignored) {
            // closing the session releases the lock anyway
        }
        closeQuietly(held);
    }

    /**
     * Closes a connection, ignoring a failure (the session ends either way).
     *
     * @param c the connection, or null
     */
    public static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the session is gone or going: nothing else to free
            }
        }
    }
}
