package dev.bulwark.backup;

import dev.bulwark.core.internal.Threads;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link BackupManager#backup()} then {@link BackupManager#prune()} on the settings'
 * {@link BackupSchedule}, plus a random jitter, on one daemon thread. At start it catches up: if
 * the newest good backup is older than the last scheduled time (the service was down, or there is
 * no backup yet), it runs at once. A run that finds another one in progress (another instance
 * holds the lock) is skipped and logged.
 */
public final class BackupScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BackupManager manager;
    private final BackupSchedule schedule;
    private final Duration jitter;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private volatile ScheduledFuture<?> next;
    private volatile Instant nextRun;
    private volatile boolean closed;

    private BackupScheduler(BackupManager manager, Clock clock, ThreadFactory threadFactory) {
        this.manager = manager;
        this.schedule = manager.settings().schedule();
        this.jitter = manager.settings().jitter();
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(threadFactory);
    }

    /**
     * Starts scheduling with the system clock on a daemon thread {@code bulwark-backup-scheduler}.
     *
     * @param manager the manager to run
     * @return the running scheduler; close it to stop (a running backup finishes first)
     */
    public static BackupScheduler create(BackupManager manager) {
        return builder(manager).build();
    }

    /**
     * A builder, for a clock or the caller's thread factory.
     *
     * @param manager the manager to run
     * @return the builder; {@link Builder#build()} starts scheduling
     */
    public static Builder builder(BackupManager manager) {
        return new Builder(manager);
    }

    /** Builds and starts a {@link BackupScheduler}. */
    public static final class Builder {
        private final BackupManager manager;
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory;

        private Builder(BackupManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
        }

        /**
         * The clock the schedule is read with (default: the UTC system clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where the scheduler's one thread comes from (default: a daemon thread named
         * {@code bulwark-backup-scheduler}).
         *
         * @param factory the caller's thread factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * Starts scheduling (catching up at once when a run was missed).
         *
         * @return the running scheduler; close it to stop (a running backup finishes first)
         */
        public BackupScheduler build() {
            return BackupScheduler.start(manager, clock,
                    threadFactory != null ? threadFactory : Threads.daemon("bulwark-backup-scheduler"));
        }
    }

    private static BackupScheduler start(BackupManager manager, Clock clock, ThreadFactory threadFactory) {
        BackupScheduler s = new BackupScheduler(manager, clock, threadFactory);
        if (!s.schedule.enabled()) {
            LOG.info("scheduled backups are off (BACKUP_SCHEDULE=off)");
            return s;
        }
        Instant now = clock.instant();
        if (catchUpDue(s.schedule, manager.newestGood().map(Manifest::startedAt), now)) {
            LOG.info("backup catch-up: no good backup since the last scheduled time {}; running now",
                    s.schedule.previous(now).orElse(null));
            s.at(now);
        } else {
            s.scheduleNext();
        }
        return s;
    }

    /**
     * Returns whether a scheduled run was missed (so one should run now).
     *
     * @param schedule the schedule
     * @param newestGoodStart start of the newest good backup, if any
     * @param now the current time
     * @return whether a scheduled run was missed (so one should run now)
     */
    static boolean catchUpDue(BackupSchedule schedule, Optional<Instant> newestGoodStart, Instant now) {
        Optional<Instant> previous = schedule.previous(now);
        if (previous.isEmpty()) {
            return false;
        }
        return newestGoodStart.isEmpty() || newestGoodStart.get().isBefore(previous.get());
    }

    /** Returns when the next run is due (including jitter), empty when none is scheduled. */
    public Optional<Instant> nextRun() {
        return Optional.ofNullable(nextRun);
    }

    private void scheduleNext() {
        schedule.next(clock.instant()).ifPresent(t -> {
            long j = jitter.isZero() ? 0 : (long) (RANDOM.nextDouble() * jitter.toMillis());
            at(t.plusMillis(j));
        });
    }

    private synchronized void at(Instant when) {
        if (closed) {
            return;
        }
        nextRun = when;
        long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        next = executor.schedule(this::runOnce, delay, TimeUnit.MILLISECONDS);
        LOG.info("next backup at {}", when);
    }

    private void runOnce() {
        try {
            manager.backup();
            manager.prune();
        } catch (BackupAlreadyRunningException e) {
            LOG.info("scheduled backup skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("scheduled backup failed: {}", e.getMessage());
        } finally {
            scheduleNext();
        }
    }

    /** Stops scheduling; waits up to a minute for a running backup to finish. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("a backup was still running after a minute; stopping anyway (it will be marked abandoned"
                        + " and cleaned by the next run)");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        LOG.info("backup scheduler stopped");
    }
}
