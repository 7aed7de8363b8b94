package dev.bulwark.backup;

import dev.bulwark.backup.internal.PostgresAdvisoryLock;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Makes sure at most one backup or prune runs at a time across processes or service instances
 * (the manager always adds its own in-process lock). Built in: {@link #postgres(DataSource)} for
 * several instances sharing one PostgreSQL, and the local store's {@link BackupStore#hostLock()}
 * for several processes on one host.
 */
public interface BackupLock {

    /**
     * A PostgreSQL session-level advisory lock ({@code pg_try_advisory_lock}) held on its own
     * connection for the length of the run, so that one instance of several sharing a database
     * runs the backup; released when the connection ends, even if the process is killed.
     *
     * @param dataSource the service's PostgreSQL data source
     * @return the lock
     */
    static BackupLock postgres(DataSource dataSource) {
        return new PostgresAdvisoryLock(dataSource);
    }

    /**
     * A PostgreSQL advisory lock on a key of the caller's choosing (two services sharing one
     * database but backing up different things).
     *
     * @param dataSource the service's PostgreSQL data source
     * @param key the advisory lock key
     * @return the lock
     */
    static BackupLock postgres(DataSource dataSource, long key) {
        return new PostgresAdvisoryLock(dataSource, key);
    }

    /**
     * Tries to take the lock without waiting.
     *
     * @return the held lock, to close when done, or empty when someone else holds it
     */
    Optional<Held> tryAcquire();

    /** Returns who this lock coordinates, for the "already running" message. */
    String describe();

    /** A held lock. */
    interface Held extends AutoCloseable {
        /** Releases the lock. */
        @Override
        void close();
    }
}
