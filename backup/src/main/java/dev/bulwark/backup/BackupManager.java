package dev.bulwark.backup;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.backup.internal.BackupRestorer;
import dev.bulwark.backup.internal.BackupVerifier;
import dev.bulwark.backup.internal.BackupWriter;
import dev.bulwark.backup.internal.Catalog;
import dev.bulwark.core.internal.Threads;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes, lists, verifies, restores and prunes backups of one {@link BackupSource} in one
 * {@link BackupStore}.
 *
 * <pre>{@code
 * BackupSettings settings = BackupSettings.fromEnvironment();
 * BackupManager backups = BackupManager.builder(BackupSource.postgres(url, user, password, settings), settings.openStore())
 *         .settings(settings).metrics(registry).lock(BackupLock.postgres(dataSource)).build();
 * Manifest m = backups.backup();              // source -> zstd -> (Tink) -> SHA-256 -> store
 * VerifyResult v = backups.verify(m.id());    // checksum, decrypt, decompress
 * RestoreResult r = backups.restoreTest(m.id()); // restore into scratch, compare counts
 * backups.prune();                            // retention
 * }</pre>
 *
 * <p>Data flows as a stream: memory stays bounded whatever the database size. At most one backup
 * or prune runs at a time: an in-process lock plus the configured {@link BackupLock}s; a second
 * trigger gets {@link BackupAlreadyRunningException}.
 */
public final class BackupManager {

    /** The name under which {@link Builder#healthChecks} registers {@link #healthCheck()}. */
    public static final String HEALTH_CHECK_NAME = "bulwark.backup";

    private static final Logger LOG = LoggerFactory.getLogger(BackupManager.class);

    private final BackupSource source;
    private final BackupStore store;
    private final BackupSettings settings;
    private final Clock clock;
    private final List<BackupLock> locks;
    private final ReentrantLock localLock = new ReentrantLock();
    private final Catalog catalog;
    private final BackupWriter writer;
    private final BackupVerifier verifier;
    private final BackupRestorer restorer;

    private final AtomicReference<Manifest> newestGood = new AtomicReference<>();
    private final AtomicReference<Manifest> lastRun = new AtomicReference<>();
    private final Counter completed;
    private final Counter failures;
    private final Counter pruned;
    private final Counter verifyFailures;
    private final AtomicLong lastSuccessEpoch = new AtomicLong();

    private BackupManager(Builder b) {
        this.source = b.source;
        this.store = b.store;
        this.settings = b.settings;
        this.clock = b.clock;
        this.locks = List.copyOf(b.locks);
        this.catalog = new Catalog(store, BackupContext.of(b.threadFactory));
        this.writer = new BackupWriter(source, catalog, settings, clock, hostName());
        this.verifier = new BackupVerifier(catalog, settings);
        this.restorer = new BackupRestorer(source, catalog, verifier, clock);
        MetricRegistry r = b.registry == null ? new MetricRegistry() : b.registry;
        String p = "bulwark.backup.";
        completed = r.counter(p + "completed");
        failures = r.counter(p + "failures");
        pruned = r.counter(p + "pruned");
        verifyFailures = r.counter(p + "verify_failures");
        r.gauge(p + "last_success_timestamp_seconds", () -> (Gauge<Long>) lastSuccessEpoch::get);
        r.gauge(p + "last_duration_seconds", () -> (Gauge<Double>) () -> {
            Manifest m = lastRun.get();
            return m == null ? 0.0 : m.duration().toMillis() / 1000.0;
        });
        r.gauge(p + "last_size_bytes", () -> (Gauge<Long>) () -> {
            Manifest m = newestGood.get();
            return m == null ? 0L : m.storedBytes();
        });
        r.gauge(p + "newest_good_age_seconds", () -> (Gauge<Double>) () -> newestGoodAge()
                .map(d -> d.toMillis() / 1000.0).orElse(Double.NaN));
        try {
            refresh();
        } catch (BackupException e) {
            LOG.warn("backup store {} could not be listed at start: {}", store, e.getMessage());
        }
    }

    /**
     * A builder for a manager of one source's backups in one store.
     *
     * @param source what to back up
     * @param store where backups go
     * @return a builder
     */
    public static Builder builder(BackupSource source, BackupStore store) {
        return new Builder(source, store);
    }

    /**
     * A manager of one source's backups in the store the settings name ({@link BackupSettings#openStore()}),
     * with a private metric registry and no lock but the store's own; {@link #builder} for the rest.
     *
     * @param source what to back up
     * @param settings the settings, including where backups go
     * @return the manager
     */
    public static BackupManager create(BackupSource source, BackupSettings settings) {
        return builder(source, settings.openStore()).settings(settings).build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The settings this manager was built with. */
    public BackupSettings settings() {
        return settings;
    }

    /** What is backed up. */
    public BackupSource source() {
        return source;
    }

    /** Where backups go. */
    public BackupStore store() {
        return store;
    }

    /**
     * Takes a backup now.
     *
     * @return the manifest of the complete backup
     * @throws BackupAlreadyRunningException when a backup or prune is running (here or elsewhere)
     * @throws BackupException when it failed; a FAILED manifest with the reason was stored
     */
    public Manifest backup() {
        Locked locked = lock();
        try {
            return writer.write(() -> catalog.cleanUpAbandoned(clock), this::finished);
        } finally {
            locked.close();
        }
    }

    private void finished(Manifest m) {
        lastRun.set(m);
        if (m.complete()) {
            newestGood.set(m);
            lastSuccessEpoch.set(m.finishedAt().getEpochSecond());
            completed.inc();
        } else {
            failures.inc();
        }
    }

    /**
     * Every manifest in the store (complete, failed, running), newest first.
     *
     * @return the manifests
     * @throws BackupException when the store cannot be read
     */
    public List<Manifest> list() {
        return catalog.list();
    }

    /**
     * Re-reads the store to update the newest-good-backup metric and health.
     *
     * @return the newest complete backup, if any
     */
    public Optional<Manifest> refresh() {
        return remember(catalog.list());
    }

    /** Updates the newest-good-backup state from a listing (newest first). */
    private Optional<Manifest> remember(List<Manifest> all) {
        Optional<Manifest> newest = all.stream().filter(Manifest::complete).filter(m -> !verifier.untrusted(m)).findFirst();
        newestGood.set(newest.orElse(null));
        newest.ifPresent(m -> lastSuccessEpoch.accumulateAndGet(m.finishedAt().getEpochSecond(), Math::max));
        return newest;
    }

    /** The newest complete backup known to this manager (without reading the store). */
    public Optional<Manifest> newestGood() {
        return Optional.ofNullable(newestGood.get());
    }

    /** The age of the newest complete backup: the RPO currently achieved. */
    public Optional<Duration> newestGoodAge() {
        return newestGood().map(m -> Duration.between(m.finishedAt(), clock.instant()));
    }

    /**
     * The manifest of one backup.
     *
     * @param id backup id
     * @return its manifest
     * @throws BackupException when there is none
     */
    public Manifest manifest(String id) {
        return catalog.manifest(id);
    }

    /**
     * Checks a stored backup: manifest complete, SHA-256 and size of the stored bytes, and that
     * it decrypts and decompresses to the recorded raw size. A bad outcome is logged and counted
     * in {@code bulwark.backup.verify_failures}.
     *
     * @param id backup id
     * @return what was found (never throws for a bad backup)
     */
    public VerifyResult verify(String id) {
        VerifyResult r = verifier.verify(id);
        if (!r.ok()) {
            verifyFailures.inc();
            LOG.warn("verify {}: {} - {}", r.id(), r.outcome(), r.detail());
        }
        return r;
    }

    /**
     * Restores a backup into a scratch target (a temporary database), compares the counts with
     * the manifest and discards the target.
     *
     * @param id backup id
     * @return the comparison
     * @throws BackupException when the backup is not restorable (corrupt, incomplete, wrong key)
     */
    public RestoreResult restoreTest(String id) {
        return restorer.restore(id, null, false);
    }

    /**
     * Restores a backup into a new target, after checking that its manifest is complete and its
     * checksum matches.
     *
     * @param id backup id
     * @param target a new target (database name, JDBC URL or directory, by source), or
     *     {@code null} for a scratch target discarded after the count comparison
     * @return the comparison of counts
     * @throws BackupException when refused (incomplete, corrupt, key missing) or failed; a target
     *     whose restore failed is removed
     */
    public RestoreResult restore(String id, String target) {
        return restorer.restore(id, target, false);
    }

    /**
     * Restores a backup into a new target even though its manifest is not complete or its
     * checksum does not match: the last resort when no good backup is left. Logged as a warning.
     * A missing encryption key still refuses.
     *
     * @param id backup id
     * @param target a new target (database name, JDBC URL or directory, by source), or
     *     {@code null} for a scratch target discarded after the count comparison
     * @return the comparison of counts
     * @throws BackupException when the restore failed; the target is then removed
     */
    public RestoreResult forceRestore(String id, String target) {
        LOG.warn("forced restore of backup {} into {}: its completeness and checksum are not enforced", id, target);
        return restorer.restore(id, target, true);
    }

    // ---------------------------------------------------------------- prune

    /**
     * Deletes backups the {@link Retention} no longer keeps. The newest good backup is never deleted.
     *
     * @return the plan that was carried out
     * @throws BackupAlreadyRunningException when a backup or prune is running
     */
    public Retention.Plan prune() {
        Locked locked = lock();
        try {
            List<Manifest> all = catalog.list();
            Retention.Plan plan = settings.retention().plan(all, clock.instant(), settings.schedule().zone());
            for (Manifest m : plan.delete()) {
                try {
                    store.delete(m.dataObject());
                    store.delete(m.manifestObject());
                    pruned.inc();
                    LOG.info("pruned backup {} ({}, started {}): kept by no retention rule", m.id(), m.status(),
                            m.startedAt());
                } catch (IOException e) {
                    throw new BackupException("cannot delete backup " + m.id() + " from " + store + ": "
                            + e.getMessage(), e);
                }
            }
            remember(all); // the newest good backup is never pruned: the listing still tells it
            return plan;
        } finally {
            locked.close();
        }
    }

    // ---------------------------------------------------------------- drill

    /**
     * A disaster-recovery drill: takes a backup, runs {@code disaster} (e.g. drops the database),
     * restores the newest good backup into {@code target} and reports measured restore time vs
     * RTO and backup age vs RPO.
     *
     * @param disaster what destroys the data (for a non-destructive drill, do nothing and restore
     *     into a new target)
     * @param target where to restore (e.g. the original database name after it was dropped)
     * @return the report
     */
    public DrillReport drill(Runnable disaster, String target) {
        Objects.requireNonNull(disaster, "disaster");
        Manifest newest = backup();
        disaster.run();
        Instant struck = clock.instant();
        RestoreResult r = restorer.restore(newest.id(), target, false);
        Duration restoreTime = Duration.between(struck, clock.instant());
        Duration age = Duration.between(newest.finishedAt(), struck);
        DrillReport report = new DrillReport(newest.id(), age.truncatedTo(ChronoUnit.MILLIS), settings.rpo(),
                restoreTime, settings.rto(), r);
        LOG.info("disaster-recovery drill {}", report.summary());
        return report;
    }

    // ---------------------------------------------------------------- health

    /**
     * Returns a health check that is unhealthy when there is no good backup or the newest is older than the RPO.
     *
     * @return a health check that is unhealthy when there is no good backup or the newest is older than the RPO
     */
    public HealthCheck healthCheck() {
        return new HealthCheck() {
            @Override
            protected Result check() {
                Optional<Manifest> newest = newestGood();
                if (newest.isEmpty()) {
                    return Result.unhealthy("no good backup in %s yet (RPO %s)", store, settings.rpo());
                }
                Duration age = Duration.between(newest.get().finishedAt(), clock.instant());
                Manifest last = lastRun.get();
                String lastFailure = last != null && last.status() == Manifest.Status.FAILED
                        ? "; last run failed: " + last.error() : "";
                if (age.compareTo(settings.rpo()) > 0) {
                    return Result.unhealthy("newest good backup %s is %s old, older than the RPO %s%s",
                            newest.get().id(), age.truncatedTo(ChronoUnit.SECONDS), settings.rpo(), lastFailure);
                }
                return Result.healthy("newest good backup %s is %s old (RPO %s)%s", newest.get().id(),
                        age.truncatedTo(ChronoUnit.SECONDS), settings.rpo(), lastFailure);
            }
        };
    }

    // ---------------------------------------------------------------- locking

    private interface Locked extends AutoCloseable {
        @Override
        void close();
    }

    private Locked lock() {
        if (!localLock.tryLock()) {
            throw new BackupAlreadyRunningException("in this process");
        }
        List<BackupLock.Held> held = new ArrayList<>();
        try {
            for (BackupLock l : locks) {
                Optional<BackupLock.Held> h = l.tryAcquire();
                if (h.isEmpty()) {
                    throw new BackupAlreadyRunningException(l.describe());
                }
                held.add(h.get());
            }
        } catch (RuntimeException e) {
            release(held);
            localLock.unlock();
            throw e;
        }
        return () -> {
            release(held);
            localLock.unlock();
        };
    }

    private static void release(List<BackupLock.Held> held) {
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).close();
        }
    }

    /** Builds a {@link BackupManager}. */
    public static final class Builder {
        private final BackupSource source;
        private final BackupStore store;
        private BackupSettings settings = BackupSettings.builder().build();
        private Clock clock = Clock.systemUTC();
        private MetricRegistry registry;
        private HealthCheckRegistry healthChecks;
        private final List<BackupLock> locks = new ArrayList<>();
        private ThreadFactory threadFactory = Threads.daemon("bulwark-backup");

        private Builder(BackupSource source, BackupStore store) {
            this.source = Objects.requireNonNull(source, "source");
            this.store = Objects.requireNonNull(store, "store");
            store.hostLock().ifPresent(locks::add);
        }

        /**
         * Sets the settings (default: every default).
         *
         * @param v settings (default: all defaults)
         * @return this
         */
        public Builder settings(BackupSettings v) {
            this.settings = Objects.requireNonNull(v, "settings");
            return this;
        }

        /**
         * Sets the clock (tests pass a fake one).
         *
         * @param v clock (tests)
         * @return this
         */
        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * Sets the registry of the {@code bulwark.backup.*} metrics.
         *
         * @param v registry for {@code bulwark.backup.*} metrics
         * @return this
         */
        public Builder metrics(MetricRegistry v) {
            this.registry = Objects.requireNonNull(v, "registry");
            return this;
        }

        /**
         * Adds a lock shared with other processes or instances (a local store's file lock is added
         * automatically).
         *
         * @param v lock
         * @return this
         */
        public Builder lock(BackupLock v) {
            locks.add(Objects.requireNonNull(v, "lock"));
            return this;
        }

        /**
         * Sets the factory of every thread a backup, verify or restore starts: the source's, the
         * restore target's and the store's helpers (stream pumps of {@code pg_dump} /
         * {@code pg_restore}, the local store's write-back), reached through {@link BackupContext}.
         * zstd's worker threads ({@link BackupSettings#zstdWorkers()}) are native threads of the
         * zstd library, not Java threads, and do not come from it.
         *
         * @param v the caller's thread factory (default: daemon threads {@code bulwark-backup-N})
         * @return this
         */
        public Builder threadFactory(ThreadFactory v) {
            this.threadFactory = Objects.requireNonNull(v, "threadFactory");
            return this;
        }

        /** Returns the manager. */
        public BackupManager build() {
            BackupManager manager = new BackupManager(this);
            if (healthChecks != null) {
                healthChecks.register(HEALTH_CHECK_NAME, manager.healthCheck());
            }
            return manager;
        }

        /**
         * Registers the manager's health check ({@value BackupManager#HEALTH_CHECK_NAME}: unhealthy past
         * the RPO) in the service's registry, as every Bulwark module does with its own.
         *
         * @param v the service's health check registry
         * @return this
         */
        public Builder healthChecks(HealthCheckRegistry v) {
            this.healthChecks = Objects.requireNonNull(v, "healthChecks");
            return this;
        }
    }
}
