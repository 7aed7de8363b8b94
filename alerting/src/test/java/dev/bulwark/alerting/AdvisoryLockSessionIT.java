package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.internal.PgAdvisoryLock;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The session that holds a leader or backup lock (core's {@code PgAdvisoryLock}) against a real
 * PostgreSQL: a holder that goes silent without its connection closing loses the lock, and a pool
 * never gets back a session that still holds it.
 */
@RequiresService(Service.POSTGRESQL)
class AdvisoryLockSessionIT {

    final PGSimpleDataSource postgres = StateInPostgresIT.postgres();
    final long key = System.nanoTime();

    @Test
    void aHolderThatGoesSilentWithoutClosingLosesTheLockAfterTheIdleTimeout() throws Exception {
        Connection frozen = PgAdvisoryLock.tryLock(postgres, key, Duration.ofSeconds(1)).orElseThrow();
        try {
            assertThat(show(frozen, "tcp_keepalives_idle")).isEqualTo("10");
            assertThat(PgAdvisoryLock.tryLock(postgres, key)).as("held by the first session").isEmpty();
            // The holder never touches its session again (a paused VM): the server ends it.
            Connection[] taken = new Connection[1];
            Poll.until(Duration.ofSeconds(15), "another session takes the lock of the silent one", () -> {
                try {
                    taken[0] = PgAdvisoryLock.tryLock(postgres, key).orElse(null);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return taken[0] != null;
            });
            PgAdvisoryLock.release(taken[0], key);
        } finally {
            PgAdvisoryLock.closeQuietly(frozen);
        }
    }

    @Test
    void aFailedUnlockNeverReturnsALockedSessionToThePool() throws Exception {
        Connection physical = postgres.getConnection();
        try {
            DataSource pool = pooled(physical);
            Connection held = PgAdvisoryLock.tryLock(pool, key).orElseThrow();
            held.setAutoCommit(false);
            try (Statement st = held.createStatement()) {
                st.execute("SELECT 1/0");
            } catch (SQLException expected) {
                // the session is now in an aborted transaction: the unlock will fail
            }

            PgAdvisoryLock.release(held, key);

            Optional<Connection> other = PgAdvisoryLock.tryLock(postgres, key);
            assertThat(other).as("another replica can take the lock").isPresent();
            PgAdvisoryLock.release(other.get(), key);
        } finally {
            PgAdvisoryLock.closeQuietly(physical);
        }
    }

    @Test
    void aReleasedSessionGoesBackToThePoolWithItsSettingsReset() throws Exception {
        Connection physical = postgres.getConnection();
        try {
            String before = show(physical, "idle_session_timeout");
            Connection held = PgAdvisoryLock.tryLock(pooled(physical), key, Duration.ofMinutes(5)).orElseThrow();
            assertThat(show(physical, "idle_session_timeout")).isEqualTo("5min");

            PgAdvisoryLock.release(held, key);

            assertThat(physical.isClosed()).isFalse();
            assertThat(show(physical, "idle_session_timeout")).isEqualTo(before);
            Optional<Connection> other = PgAdvisoryLock.tryLock(postgres, key);
            assertThat(other).isPresent();
            PgAdvisoryLock.release(other.get(), key);
        } finally {
            PgAdvisoryLock.closeQuietly(physical);
        }
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A one-connection "pool": close() hands the session back instead of ending it, as a pool does. */
    private static DataSource pooled(Connection physical) {
        Connection handle = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return handle;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
