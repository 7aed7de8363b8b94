package dev.bulwark.backup;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import dev.bulwark.backup.internal.Counting;
import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.ManifestJson;
import dev.bulwark.core.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
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
    private static final Logger LOG = LoggerFactory.getLogger(BackupManager.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BackupSource source;
    private final BackupStore store;
    private final BackupSettings settings;
    private final Clock clock;
    private final List<BackupLock> locks;
    private final ReentrantLock localLock = new ReentrantLock();
    private final String host;

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
        this.host = hostName();
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
     * @param source what to back up
     * @param store where backups go
     * @return a builder
     */
    public static Builder builder(BackupSource source, BackupStore store) {
        return new Builder(source, store);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** @return the settings */
    public BackupSettings settings() {
        return settings;
    }

    /** @return the source */
    public BackupSource source() {
        return source;
    }

    /** @return the store */
    public BackupStore store() {
        return store;
    }

    // ---------------------------------------------------------------- backup

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
            cleanUpAbandoned();
            return runBackup();
        } finally {
            locked.close();
        }
    }

    private Manifest runBackup() {
        Instant start = clock.instant();
        String id = ID_TIME.format(start) + "-" + HexFormat.of().formatHex(random(3));
        Compression compression = settings.compression();
        Optional<BackupEncryption> enc = settings.encryption();
        String data = id + ".dump" + compression.extension() + (enc.isPresent() ? ".tink" : "");
        Manifest running = new Manifest(Manifest.FORMAT_VERSION, id, Manifest.Status.RUNNING, source.kind(),
                source.name(), Map.of(), start, null, 0, 0, null, compression.label(),
                enc.isPresent() ? BackupEncryption.SCHEME : "none", enc.map(BackupEncryption::keyId).orElse(null),
                data, Map.of(), null, host);
        LOG.info("backup {} of {} {} started into {}", id, source.kind(), source.name(), store);
        boolean dataCommitted = false;
        try {
            Map<String, String> versions = new LinkedHashMap<>(source.toolVersions());
            versions.put("bulwark-backup", version(BackupManager.class));
            if (compression == Compression.ZSTD) {
                versions.put("zstd-jni", version(com.github.luben.zstd.Zstd.class));
            }
            enc.ifPresent(e -> versions.put("tink", version(com.google.crypto.tink.StreamingAead.class)));
            running = running.withToolVersions(versions);
            writeManifest(running);
            MessageDigest sha = Sha256.newDigest();
            Counting.Out stored;
            Counting.Out raw;
            Map<String, Long> counts;
            try (BackupStore.Upload upload = store.create(data)) {
                stored = new Counting.Out(new DigestOutputStream(new Counting.NonClosing(upload.stream()), sha));
                OutputStream chain = stored;
                if (enc.isPresent()) {
                    chain = enc.get().encrypt(chain, id);
                }
                chain = compression.compress(chain, settings.zstdLevel());
                raw = new Counting.Out(chain);
                try (OutputStream out = raw) {
                    counts = source.dump(out);
                }
                upload.commit();
                dataCommitted = true;
            }
            Instant end = clock.instant();
            Manifest done = new Manifest(running.formatVersion(), id, Manifest.Status.COMPLETE, running.sourceKind(),
                    running.database(), versions, start, end, raw.count(), stored.count(),
                    HexFormat.of().formatHex(sha.digest()), running.compression(), running.encryption(),
                    running.keyId(), data, counts, null, host);
            writeManifest(done);
            newestGood.set(done);
            lastRun.set(done);
            lastSuccessEpoch.set(end.getEpochSecond());
            completed.inc();
            LOG.info("backup {} complete: {} bytes raw, {} stored, {} ms, sha256 {}", id, done.rawBytes(),
                    done.storedBytes(), done.duration().toMillis(), done.sha256());
            return done;
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            Manifest failed = running.failed(clock.instant(), reason);
            lastRun.set(failed);
            failures.inc();
            LOG.error("backup {} of {} {} failed: {}", id, source.kind(), source.name(), reason);
            try {
                if (dataCommitted) {
                    store.delete(data);
                }
                writeManifest(failed);
            } catch (IOException | RuntimeException again) {
                LOG.error("backup {}: could not record the failure in {}: {}", id, store, again.getMessage());
            }
            throw new BackupException("backup " + id + " of " + source.kind() + " " + source.name() + " failed: "
                    + reason, e);
        }
    }

    private static String version(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private void writeManifest(Manifest m) throws IOException {
        try (BackupStore.Upload upload = store.create(m.manifestObject())) {
            upload.stream().write(ManifestJson.write(m));
            upload.commit();
        }
    }

    /** Runs with the lock held: marks runs abandoned by a dead process as failed and removes their data. */
    private void cleanUpAbandoned() {
        try {
            int leftovers = store.cleanUpIncomplete();
            if (leftovers > 0) {
                LOG.warn("removed {} incomplete upload(s) left in {} by an interrupted run", leftovers, store);
            }
            for (Manifest m : list()) {
                if (m.status() == Manifest.Status.RUNNING) {
                    store.delete(m.dataObject());
                    writeManifest(m.failed(clock.instant(), "abandoned: the process running it ended before it"
                            + " completed; partial data removed"));
                    LOG.warn("backup {} was abandoned by a process that died; marked failed, partial data removed",
                            m.id());
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot clean up interrupted backups in " + store + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- list

    /**
     * @return every manifest in the store (complete, failed, running), newest first
     * @throws BackupException when the store cannot be read
     */
    public List<Manifest> list() {
        List<Manifest> out = new ArrayList<>();
        try {
            for (String name : store.list()) {
                if (!name.endsWith(Manifest.SUFFIX)) {
                    continue;
                }
                try (InputStream in = store.open(name)) {
                    out.add(ManifestJson.read(in.readAllBytes()));
                } catch (NoSuchFileException gone) {
                    // deleted between list and read
                } catch (IOException e) {
                    LOG.warn("unreadable manifest {} in {} ignored: {}", name, store, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot list backups in " + store + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Manifest::startedAt).thenComparing(Manifest::id).reversed());
        return out;
    }

    /**
     * Re-reads the store to update the newest-good-backup metric and health.
     *
     * @return the newest complete backup, if any
     */
    public Optional<Manifest> refresh() {
        return remember(list());
    }

    /** Updates the newest-good-backup state from a listing (newest first). */
    private Optional<Manifest> remember(List<Manifest> all) {
        Optional<Manifest> newest = all.stream().filter(Manifest::complete).findFirst();
        newestGood.set(newest.orElse(null));
        newest.ifPresent(m -> lastSuccessEpoch.accumulateAndGet(m.finishedAt().getEpochSecond(), Math::max));
        return newest;
    }

    /** @return the newest complete backup known to this manager (without reading the store) */
    public Optional<Manifest> newestGood() {
        return Optional.ofNullable(newestGood.get());
    }

    /** @return age of the newest complete backup: the RPO currently achieved */
    public Optional<Duration> newestGoodAge() {
        return newestGood().map(m -> Duration.between(m.finishedAt(), clock.instant()));
    }

    /**
     * @param id backup id
     * @return its manifest
     * @throws BackupException when there is none
     */
    public Manifest manifest(String id) {
        Objects.requireNonNull(id, "id");
        try {
            LocalBackupStore.checkName(id + Manifest.SUFFIX);
        } catch (IllegalArgumentException e) {
            throw new BackupException("'" + id + "' is not a backup id; list them with 'scripts/backup.sh list'");
        }
        try (InputStream in = store.open(id + Manifest.SUFFIX)) {
            return ManifestJson.read(in.readAllBytes());
        } catch (NoSuchFileException e) {
            throw new BackupException("no backup '" + id + "' in " + store + "; list them with 'scripts/backup.sh list'");
        } catch (IOException e) {
            throw new BackupException("cannot read the manifest of " + id + " in " + store + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- verify

    /**
     * Checks a stored backup: manifest complete, SHA-256 and size of the stored bytes, and that
     * it decrypts and decompresses to the recorded raw size.
     *
     * @param id backup id
     * @return what was found (never throws for a bad backup)
     */
    public VerifyResult verify(String id) {
        Manifest m;
        try {
            m = manifest(id);
        } catch (BackupException e) {
            return fail(new VerifyResult(id, VerifyResult.Outcome.MISSING, e.getMessage()));
        }
        if (!m.complete()) {
            return fail(new VerifyResult(id, VerifyResult.Outcome.INCOMPLETE, "status " + m.status()
                    + (m.error() == null ? "" : ": " + m.error())));
        }
        MessageDigest sha = Sha256.newDigest();
        long storedCount;
        long rawCount = -1;
        IOException decodeError = null;
        try (InputStream in = store.open(m.dataObject());
                Counting.In stored = new Counting.In(new DigestInputStream(in, sha))) {
            try (Counting.In raw = new Counting.In(decode(m, new Counting.NonClosingIn(stored)))) {
                raw.transferTo(OutputStream.nullOutputStream());
                rawCount = raw.count();
            } catch (IOException | RuntimeException e) {
                decodeError = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            }
            stored.transferTo(OutputStream.nullOutputStream());
            storedCount = stored.count();
        } catch (NoSuchFileException e) {
            return fail(new VerifyResult(id, VerifyResult.Outcome.MISSING, "data object " + m.dataObject() + " is missing"));
        } catch (IOException e) {
            return fail(new VerifyResult(id, VerifyResult.Outcome.MISSING, "data object " + m.dataObject()
                    + " cannot be read: " + e.getMessage()));
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(m.sha256()) || storedCount != m.storedBytes()) {
            return fail(new VerifyResult(id, VerifyResult.Outcome.CORRUPT, "stored data differs from the manifest:"
                    + " sha256 " + actual + " (" + storedCount + " bytes), expected " + m.sha256() + " ("
                    + m.storedBytes() + " bytes)"));
        }
        if (decodeError != null) {
            if (m.keyId() != null) {
                return fail(new VerifyResult(id, VerifyResult.Outcome.WRONG_KEY, keyProblem(m, decodeError)));
            }
            return fail(new VerifyResult(id, VerifyResult.Outcome.CORRUPT, "checksum matches but the data does not"
                    + " decompress: " + decodeError.getMessage()));
        }
        if (rawCount != m.rawBytes()) {
            return fail(new VerifyResult(id, VerifyResult.Outcome.CORRUPT, "decoded size " + rawCount
                    + " differs from the recorded " + m.rawBytes()));
        }
        return new VerifyResult(id, VerifyResult.Outcome.OK, "sha256 " + actual + ", " + m.storedBytes()
                + " bytes stored, " + m.rawBytes() + " bytes decoded");
    }

    private VerifyResult fail(VerifyResult r) {
        verifyFailures.inc();
        LOG.warn("verify {}: {} - {}", r.id(), r.outcome(), r.detail());
        return r;
    }

    private String keyProblem(Manifest m, Exception e) {
        Optional<BackupEncryption> enc = settings.encryption();
        if (enc.isEmpty()) {
            return "backup " + m.id() + " is encrypted with key " + m.keyId()
                    + "; configure the keyset that holds it (BACKUP_ENCRYPTION_KEYSET_FILE)";
        }
        if (!enc.get().keyIds().contains(m.keyId())) {
            return "backup " + m.id() + " is encrypted with key " + m.keyId() + " but the configured keyset holds "
                    + enc.get().keyIds() + "; configure the keyset that holds key " + m.keyId()
                    + " (BACKUP_ENCRYPTION_KEYSET_FILE)";
        }
        return "backup " + m.id() + " cannot be decrypted with key " + m.keyId() + ": "
                + (e == null ? "" : e.getMessage());
    }

    private InputStream decode(Manifest m, InputStream stored) throws IOException {
        InputStream in = stored;
        if (m.keyId() != null) {
            BackupEncryption enc = settings.encryption().orElseThrow(() -> new IOException(keyProblem(m, null)));
            in = enc.decrypt(in, m.id());
        }
        return Compression.fromLabel(m.compression()).decompress(in);
    }

    // ---------------------------------------------------------------- restore

    /**
     * Restores a backup into a scratch target (a temporary database), compares the counts with
     * the manifest and discards the target.
     *
     * @param id backup id
     * @return the comparison
     * @throws BackupException when the backup is not restorable (corrupt, incomplete, wrong key)
     */
    public RestoreResult restoreTest(String id) {
        return restore(id, null, false);
    }

    /**
     * Restores a backup into a new target.
     *
     * @param id backup id
     * @param target a new target (database name, JDBC URL or directory, by source), or
     *     {@code null} for a scratch target discarded after the count comparison
     * @param force restore even if the manifest is not complete or the checksum does not match
     * @return the comparison of counts
     * @throws BackupException when refused or failed; a target whose restore failed is removed
     */
    public RestoreResult restore(String id, String target, boolean force) {
        Manifest m = manifest(id);
        if (!m.complete() && !force) {
            throw new BackupException("backup " + id + " is " + m.status() + ", not complete"
                    + (m.error() == null ? "" : " (" + m.error() + ")") + "; refusing to restore it (use --force)");
        }
        if (m.keyId() != null && (settings.encryption().isEmpty()
                || !settings.encryption().get().keyIds().contains(m.keyId()))) {
            throw new BackupException(keyProblem(m, null) + "; nothing was restored");
        }
        VerifyResult check = checksum(m);
        if (!check.ok()) {
            if (!force) {
                throw new BackupException("backup " + id + " is " + check.outcome() + ": " + check.detail()
                        + "; refusing to restore it (restore an older backup, or use --force)");
            }
            LOG.warn("restoring backup {} although it is {}: forced", id, check.outcome());
        }
        Instant start = clock.instant();
        RestoreTarget t = source.restoreTarget(target);
        boolean keep = false;
        try {
            try (InputStream in = decode(m, store.open(m.dataObject()))) {
                t.restore(in);
            }
            Map<String, Long> actual = t.counts();
            List<String> mismatches = new ArrayList<>();
            for (String key : new TreeSet<>(m.counts().keySet())) {
                Long got = actual.get(key);
                if (!m.counts().get(key).equals(got)) {
                    mismatches.add(key + ": expected " + m.counts().get(key) + ", found " + got);
                }
            }
            for (String key : new TreeSet<>(actual.keySet())) {
                if (!m.counts().containsKey(key)) {
                    mismatches.add(key + ": not in the backup, found " + actual.get(key));
                }
            }
            Duration took = Duration.between(start, clock.instant());
            RestoreResult r = new RestoreResult(id, t.describe(), took, m.counts(), actual, mismatches);
            keep = target != null;
            LOG.info("restored backup {} into {} in {} ms: {}", id, t.describe(), took.toMillis(),
                    r.ok() ? "counts match" : "MISMATCH " + mismatches);
            return r;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage();
            if (m.keyId() != null && why != null && why.contains("No matching key")) {
                why = keyProblem(m, e);
            }
            throw new BackupException("restore of backup " + id + " into " + t.describe() + " failed: " + why
                    + "; the target was removed", e);
        } finally {
            if (!keep) {
                t.discard();
            }
        }
    }

    private VerifyResult checksum(Manifest m) {
        MessageDigest sha = Sha256.newDigest();
        long n;
        try (InputStream in = store.open(m.dataObject());
                Counting.In c = new Counting.In(new DigestInputStream(in, sha))) {
            c.transferTo(OutputStream.nullOutputStream());
            n = c.count();
        } catch (IOException e) {
            return new VerifyResult(m.id(), VerifyResult.Outcome.MISSING, "data object " + m.dataObject()
                    + " cannot be read: " + e.getMessage());
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(m.sha256()) || n != m.storedBytes()) {
            return new VerifyResult(m.id(), VerifyResult.Outcome.CORRUPT, "sha256 " + actual + " (" + n
                    + " bytes), expected " + m.sha256() + " (" + m.storedBytes() + " bytes)");
        }
        return new VerifyResult(m.id(), VerifyResult.Outcome.OK, "checksum matches");
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
            List<Manifest> all = list();
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
        RestoreResult r = restore(newest.id(), target, false);
        Duration restoreTime = Duration.between(struck, clock.instant());
        Duration age = Duration.between(newest.finishedAt(), struck);
        DrillReport report = new DrillReport(newest.id(), age.truncatedTo(ChronoUnit.MILLIS), settings.rpo(),
                restoreTime, settings.rto(), r);
        LOG.info("disaster-recovery drill {}", report.summary());
        return report;
    }

    // ---------------------------------------------------------------- health

    /**
     * @return a health check that is unhealthy when there is no good backup or the newest is
     *     older than the RPO
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
        private final List<BackupLock> locks = new ArrayList<>();

        private Builder(BackupSource source, BackupStore store) {
            this.source = Objects.requireNonNull(source, "source");
            this.store = Objects.requireNonNull(store, "store");
            store.hostLock().ifPresent(locks::add);
        }

        /** @param v settings (default: all defaults) @return this */
        public Builder settings(BackupSettings v) {
            this.settings = Objects.requireNonNull(v, "settings");
            return this;
        }

        /** @param v clock (tests) @return this */
        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** @param v registry for {@code bulwark.backup.*} metrics @return this */
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

        /** @return the manager */
        public BackupManager build() {
            return new BackupManager(this);
        }
    }
}
