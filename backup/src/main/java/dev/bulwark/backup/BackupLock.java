package dev.bulwark.backup;

import java.util.Optional;

/**
 * Makes sure at most one backup or prune runs at a time across processes or service instances
 * (the manager always adds its own in-process lock). Built in: {@link PostgresAdvisoryLock} for
 * several instances sharing one PostgreSQL, and {@link LocalBackupStore#fileLock()} for several
 * processes on one host.
 */
public interface BackupLock {

    /**
     * Tries to take the lock without waiting.
     *
     * @return the held lock, to close when done, or empty when someone else holds it
     */
    Optional<Held> tryAcquire();

    /** @return who this lock coordinates, for the "already running" message */
    String describe();

    /** A held lock. */
    interface Held extends AutoCloseable {
        /** Releases the lock. */
        @Override
        void close();
    }
}
