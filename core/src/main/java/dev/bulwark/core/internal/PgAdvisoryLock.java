package dev.bulwark.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL session-level advisory locks ({@code pg_try_advisory_lock}) held on a dedicated
 * connection: the lock lives as long as that connection's session, so when the holder's process
 * dies (even by {@code kill -9}) the server frees it. Used where one of several replicas must do
 * something alone (backup's scheduled run, alerting's leader).
 *
 * <p>A holder that stops without its session ending (a frozen VM, a network partition) would keep
 * the lock until the server's TCP keepalive notices, two hours by default: the holding session
 * therefore gets short keepalives (dead peer found within about 25 s over TCP) and, where the
 * holder touches its session regularly, an {@code idle_session_timeout} (PostgreSQL 14+) that ends
 * a silent holder's session. On release the session's settings are reset; a connection whose
 * unlock did not succeed is aborted rather than returned to a pool holding the lock.
 */
public final class PgAdvisoryLock {

    private static final Logger LOG = LoggerFactory.getLogger(PgAdvisoryLock.class);

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
        return tryLock(dataSource, key, null);
    }

    /**
     * Tries to take a lock without waiting; the holding session ends by itself once it has been
     * idle for {@code idleSessionTimeout}, so the holder must use it (e.g. {@code isValid}) more
     * often than that.
     *
     * @param dataSource a PostgreSQL data source; one of its connections is held while the lock is
     * @param key the key shared by the replicas
     * @param idleSessionTimeout how long the holding session may stay silent before the server
     *        ends it (and frees the lock), or null for no limit
     * @return the connection that holds the lock, or empty when another session holds it
     * @throws SQLException when no connection can be had or the query fails (no connection is left open)
     */
    public static Optional<Connection> tryLock(DataSource dataSource, long key, Duration idleSessionTimeout)
            throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        guard(c, idleSessionTimeout);
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

    private static void guard(Connection c, Duration idleSessionTimeout) throws SQLException {
        try (Statement st = c.createStatement()) {
            // Ignored on a Unix socket; over TCP a dead peer is found in about 10 + 3 × 5 s.
            st.execute("SET tcp_keepalives_idle = 10");
            st.execute("SET tcp_keepalives_interval = 5");
            st.execute("SET tcp_keepalives_count = 3");
            if (idleSessionTimeout != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('idle_session_timeout', ?, false)")) {
                    ps.setString(1, Long.toString(Math.max(1, idleSessionTimeout.toMillis())));
                    ps.execute();
                } catch (SQLException e) {
                    if (!"42704".equals(e.getSQLState())) {
                        throw e;
                    }
                    LOG.warn("PostgreSQL before 14 has no idle_session_timeout: a lock holder that freezes without "
                            + "its connection closing keeps the lock until TCP keepalive notices");
                }
            }
        }
    }

    /**
     * Unlocks and closes the holding connection, quietly. When the unlock does not succeed (or
     * the session's settings cannot be reset) the connection is aborted, so that a pool never
     * gets back a session still holding the lock.
     *
     * @param held the connection {@link #tryLock} returned
     * @param key the lock's key
     */
    public static void release(Connection held, long key) {
        boolean freed = false;
        try (PreparedStatement ps = held.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                freed = rs.next() && rs.getBoolean(1);
            }
            if (freed) {
                try (Statement st = held.createStatement()) {
                    st.execute("RESET ALL"); // back to the pool as it came (keepalives, idle timeout)
                }
            }
        } catch (SQLException e) {
            freed = false;
        }
        if (!freed) {
            LOG.warn("Advisory lock {} was not released by its session: the connection is aborted to end the session", key);
            try {
                held.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Aborting the lock's connection failed", e);
            }
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
