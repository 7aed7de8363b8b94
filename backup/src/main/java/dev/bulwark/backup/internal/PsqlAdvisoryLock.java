package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupLock;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL session advisory lock of {@link PostgresAdvisoryLock} (same key, so the two
 * exclude each other), held by a {@link Psql} session instead of a JDBC connection: what the
 * command line uses, which has no pool and would otherwise load a JDBC driver only for it. The
 * lock lives as long as the psql session: if the process holding it dies, psql reads the end of
 * its input and quits, and PostgreSQL frees the lock.
 */
public final class PsqlAdvisoryLock implements BackupLock {
    private static final Logger LOG = LoggerFactory.getLogger(PsqlAdvisoryLock.class);

    private final String psql;
    private final Map<String, String> env;
    private final long key;
    private final Consumer<Psql> holder;
    /** A session started by {@link #prepare}, connecting while the caller goes on; taken by {@link #tryAcquire}. */
    private Psql prepared;

    /**
     * An advisory lock taken through psql.
     *
     * @param psql the psql executable
     * @param env its connection settings (see {@link Psql#start})
     * @param key the advisory lock key shared by the instances
     * @param holder told the session while the lock is held, and null once it is released (the
     *     source of the same database runs its snapshot's transaction in it: one psql, not two)
     */
    public PsqlAdvisoryLock(String psql, Map<String, String> env, long key, Consumer<Psql> holder) {
        this.psql = psql;
        this.env = Map.copyOf(env);
        this.key = key;
        this.holder = holder;
    }

    /**
     * Starts the psql session now, so that it connects while the caller builds the rest (the store,
     * the catalog); the lock itself is still taken only by {@link #tryAcquire}, in the order of the
     * caller's locks. A session that is never used ends with the process (psql reads the end of its
     * input). A psql that cannot be started is left for {@link #tryAcquire} to report.
     */
    public synchronized void prepare() {
        if (prepared == null) {
            try {
                prepared = Psql.start(psql, env);
            } catch (IOException e) {
                prepared = null;
            }
        }
    }

    @Override
    public Optional<Held> tryAcquire() {
        Psql session = null;
        try {
            LOG.debug("timeline: taking the advisory lock");
            synchronized (this) {
                session = prepared;
                prepared = null;
            }
            if (session == null) {
                session = Psql.start(psql, env);
            }
            if (!"t".equals(session.value("SELECT pg_try_advisory_lock(" + key + ");"))) {
                session.close();
                return Optional.empty();
            }
            // as PgAdvisoryLock: a holder whose machine vanishes is noticed within ~25 s over TCP
            session.query("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5;"
                    + " SET tcp_keepalives_count = 3;");
            LOG.debug("timeline: advisory lock {} held", key);
            Psql held = session;
            holder.accept(held);
            return Optional.of(() -> release(held));
        } catch (IOException e) {
            if (session != null) {
                session.close();
            }
            throw new BackupException("cannot take the PostgreSQL advisory lock " + key + ": " + e.getMessage()
                    + " (check DB_URL / DB_USER / DB_PASSWORD)", e);
        }
    }

    private void release(Psql held) {
        holder.accept(null);
        try {
            held.query("SELECT pg_advisory_unlock(" + key + ");");
        } catch (IOException e) {
            LOG.warn("advisory lock {} was not released by its session ({}): the session is ended instead", key,
                    e.getMessage());
        } finally {
            held.close();
        }
    }

    @Override
    public String describe() {
        return "another instance holds PostgreSQL advisory lock " + key;
    }
}
