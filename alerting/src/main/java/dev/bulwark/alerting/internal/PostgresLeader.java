package dev.bulwark.alerting.internal;

import dev.bulwark.core.internal.PgAdvisoryLock;
import dev.bulwark.core.internal.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election through a PostgreSQL session-level advisory lock ({@code pg_try_advisory_lock})
 * held on a dedicated connection: the replica whose session holds the lock is the leader. When
 * its process dies (even by {@code kill -9}) the server ends the session and frees the lock, and
 * the next replica to try takes it. Not thread-safe: called from the evaluation only.
 */
public final class PostgresLeader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLeader.class);

    private final DataSource dataSource;
    private final String name;
    private final long key;
    private final Duration idleTimeout;
    private Connection held;

    /**
     * An election among the replicas that use the same database and lock name.
     *
     * @param dataSource the service's PostgreSQL database
     * @param name the lock's name; its key is the first 8 bytes of its SHA-256
     * @param idleTimeout the leader's session ends (freeing the lock) when {@link #check} has not
     *        used it for this long: a leader that freezes without its connection closing (a paused
     *        VM, a partition) hands over after it rather than after TCP keepalive's hours
     */
    public PostgresLeader(DataSource dataSource, String name, Duration idleTimeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.name = Objects.requireNonNull(name, "name");
        this.key = keyOf(name);
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /**
     * The advisory lock key of a name.
     *
     * @param name the lock name
     * @return a stable 64-bit key
     */
    public static long keyOf(String name) {
        return ByteBuffer.wrap(Sha256.newDigest().digest(name.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    /**
     * Whether this replica leads now: checks that a held lock's session is still alive, else
     * tries to take the lock. May wait for a connection from the pool; call it off any lock.
     *
     * @return true when this replica holds the lock
     */
    public boolean check() {
        if (held != null) {
            try {
                if (held.isValid(2)) {
                    return true;
                }
            } catch (SQLException e) {
                // treated as lost below
            }
            LOG.warn("Alert leader lock '{}' lost: its database session ended", name);
            PgAdvisoryLock.closeQuietly(held);
            held = null;
        }
        try {
            held = PgAdvisoryLock.tryLock(dataSource, key, idleTimeout).orElse(null);
        } catch (SQLException e) {
            LOG.warn("Alert leader lock '{}' cannot be checked: {}", name, e.getMessage());
            return false;
        }
        if (held != null) {
            LOG.info("Alert leader lock '{}' taken: this replica evaluates cluster-scoped rules", name);
        }
        return held != null;
    }

    /** Gives the lock up (the next replica takes it at its next evaluation). */
    @Override
    public void close() {
        if (held != null) {
            PgAdvisoryLock.release(held, key);
            held = null;
        }
    }
}
