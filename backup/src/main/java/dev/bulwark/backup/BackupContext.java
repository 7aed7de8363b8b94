package dev.bulwark.backup;

import dev.bulwark.core.internal.Threads;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * What a {@link BackupManager} lends the {@link BackupSource}, {@link RestoreTarget} and
 * {@link BackupStore} it calls during one backup, verify or restore: today the thread factory that
 * every helper thread of the run must come from (stream pumps of an external tool, a store's
 * write-back), so a service that owns its threads (names, priorities, a virtual-thread factory)
 * owns these too.
 *
 * <p>An implementation that needs a thread asks for it with
 * {@code context.threadFactory().newThread(task)} instead of {@code new Thread(task)}.
 */
public interface BackupContext {

    /**
     * Returns the factory of every thread a source, target or store starts for this run.
     *
     * @return the caller's thread factory ({@link BackupManager.Builder#threadFactory}), or daemon
     *     threads named {@code bulwark-backup-N} by default
     */
    ThreadFactory threadFactory();

    /**
     * Returns a context whose threads come from {@code threadFactory}.
     *
     * @param threadFactory where threads come from
     * @return the context
     */
    static BackupContext of(ThreadFactory threadFactory) {
        Objects.requireNonNull(threadFactory, "threadFactory");
        return () -> threadFactory;
    }

    /**
     * Returns the context of a caller that brings no thread factory: daemon threads named
     * {@code bulwark-backup}, {@code bulwark-backup-2}, ...
     *
     * @return the default context
     */
    static BackupContext defaults() {
        return of(Threads.daemon("bulwark-backup"));
    }
}
