package dev.bulwark.backup;

import dev.bulwark.core.internal.Env;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Backup settings: schedule, retention, compression, encryption, targets. Immutable; build with
 * {@link #builder()} or read {@code BACKUP_*} variables with {@link #fromEnvironment()}.
 * Defaults are stated as constants; {@link #toString()} never prints the keyset.
 */
public final class BackupSettings {

    /** Default schedule: every day at 02:00 in {@link #DEFAULT_ZONE}. */
    public static final String DEFAULT_SCHEDULE = "daily 02:00";
    /** Default zone of the schedule and of GFS days. */
    public static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;
    /** Default random delay added to each scheduled run (none). */
    public static final Duration DEFAULT_JITTER = Duration.ZERO;
    /** Default local directory. */
    public static final Path DEFAULT_DIRECTORY = Path.of("backups");
    /** Default compression. */
    public static final Compression DEFAULT_COMPRESSION = Compression.ZSTD;
    /** Default zstd level (zstd's own default: fast, good ratio). */
    public static final int DEFAULT_ZSTD_LEVEL = 3;
    /** Default zstd worker threads: 0 means one per available processor. */
    public static final int DEFAULT_ZSTD_WORKERS = 0;
    /** Default pg_dump jobs: 1 = one process, custom format; 2 or more = directory format, parallel. */
    public static final int DEFAULT_PG_JOBS = 1;
    /**
     * Default longest wait of pg_dump for a table lock ({@code BACKUP_PG_LOCK_WAIT_SECONDS}):
     * behind a migration's exclusive lock a backup fails after it instead of waiting for ever.
     */
    public static final Duration DEFAULT_PG_LOCK_WAIT = Duration.ofMinutes(5);
    /** Default recovery point objective: the newest good backup must be younger. */
    public static final Duration DEFAULT_RPO = Duration.ofHours(24);
    /** Default recovery time objective that drills are measured against. */
    public static final Duration DEFAULT_RTO = Duration.ofHours(1);
    /** Default S3 region (S3-compatible servers usually ignore it). */
    public static final String DEFAULT_S3_REGION = "us-east-1";

    private final BackupSchedule schedule;
    private final Duration jitter;
    private final Retention retention;
    private final Compression compression;
    private final int zstdLevel;
    private final int zstdWorkers;
    private final int pgJobs;
    private final Duration pgLockWait;
    private final Path stagingDir;
    private final BackupEncryption encryption;
    private final boolean allowUnencryptedRemote;
    private final boolean allowUnencryptedRestore;
    private final Path directory;
    private final String s3Bucket;
    private final String s3Prefix;
    private final String s3Endpoint;
    private final String s3Region;
    private final boolean s3PathStyle;
    private final Duration rpo;
    private final Duration rto;
    private final String pgDump;
    private final String pgRestore;
    private final String psql;

    private BackupSettings(Builder b) {
        this.schedule = BackupSchedule.parse(b.schedule, b.zone);
        if (b.jitter.isNegative() || b.jitter.compareTo(Duration.ofHours(6)) > 0) {
            throw new IllegalArgumentException("jitter (BACKUP_JITTER_MINUTES) must be 0..360 minutes, got "
                    + b.jitter.toMinutes());
        }
        this.jitter = b.jitter;
        this.retention = Objects.requireNonNull(b.retention, "retention");
        this.compression = Objects.requireNonNull(b.compression, "compression");
        if (b.zstdLevel < 1 || b.zstdLevel > 19) {
            throw new IllegalArgumentException("zstd level (BACKUP_ZSTD_LEVEL) must be 1..19, got " + b.zstdLevel);
        }
        this.zstdLevel = b.zstdLevel;
        if (b.zstdWorkers < 0 || b.zstdWorkers > 64) {
            throw new IllegalArgumentException("zstd workers (BACKUP_ZSTD_WORKERS) must be 0..64 (0 = one per"
                    + " processor, 1 = compress in the calling thread), got " + b.zstdWorkers);
        }
        this.zstdWorkers = b.zstdWorkers;
        if (b.pgJobs < 1 || b.pgJobs > 64) {
            throw new IllegalArgumentException("pg_dump jobs (BACKUP_PG_JOBS) must be 1..64 (1 = one pg_dump process,"
                    + " custom format; 2 or more = directory format with that many jobs), got " + b.pgJobs);
        }
        this.pgJobs = b.pgJobs;
        if (b.pgLockWait == null || b.pgLockWait.compareTo(Duration.ofSeconds(1)) < 0
                || b.pgLockWait.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("pg_dump lock wait (BACKUP_PG_LOCK_WAIT_SECONDS) must be 1..86400 seconds, got "
                    + (b.pgLockWait == null ? "null" : b.pgLockWait.toSeconds() + " s"));
        }
        this.pgLockWait = b.pgLockWait;
        this.stagingDir = b.stagingDir;
        this.encryption = b.encryption;
        this.allowUnencryptedRemote = b.allowUnencryptedRemote;
        this.allowUnencryptedRestore = b.allowUnencryptedRestore;
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.s3Bucket = b.s3Bucket;
        this.s3Prefix = b.s3Prefix == null ? "" : b.s3Prefix;
        this.s3Endpoint = b.s3Endpoint;
        this.s3Region = b.s3Region;
        this.s3PathStyle = b.s3PathStyle;
        if (s3Bucket != null && encryption == null && !allowUnencryptedRemote) {
            throw new IllegalArgumentException("backups to S3 (BACKUP_S3_BUCKET=" + s3Bucket + ") must be encrypted:"
                    + " set BACKUP_ENCRYPTION_KEYSET_FILE (make a keyset with BackupEncryption.generateKeyset() or the backup CLI's 'keygen' command), or opt out"
                    + " explicitly with BACKUP_INSECURE_ALLOW_UNENCRYPTED_REMOTE=true");
        }
        if (b.rpo.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("RPO (BACKUP_RPO_HOURS) must be positive, got " + b.rpo);
        }
        if (b.rto.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("RTO (BACKUP_RTO_MINUTES) must be at least 1 minute, got " + b.rto);
        }
        this.rpo = b.rpo;
        this.rto = b.rto;
        this.pgDump = tool(b.pgDump, "pg_dump", "BACKUP_PG_DUMP");
        this.pgRestore = tool(b.pgRestore, "pg_restore", "BACKUP_PG_RESTORE");
        this.psql = tool(b.psql, "psql", "BACKUP_PSQL");
    }

    /** A client tool's setting: a program name looked up on PATH, or a path; never blank, never with a NUL. */
    private static String tool(String value, String tool, String variable) {
        if (value.isBlank() || value.indexOf('\0') >= 0 || !value.strip().equals(value)) {
            throw new IllegalArgumentException(tool + " executable (" + variable + ") must be a program name on PATH or"
                    + " a path to it, without surrounding spaces or NUL characters, got '" + value.replace('\0', '?')
                    + "'; unset it to use '" + tool + "' from PATH");
        }
        return value;
    }

    /**
     * A builder holding every value of these settings, to change a few and build again.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.schedule = schedule.expression();
        b.zone = schedule.zone();
        b.jitter = jitter;
        b.retention = retention;
        b.compression = compression;
        b.zstdLevel = zstdLevel;
        b.zstdWorkers = zstdWorkers;
        b.pgJobs = pgJobs;
        b.pgLockWait = pgLockWait;
        b.stagingDir = stagingDir;
        b.encryption = encryption;
        b.allowUnencryptedRemote = allowUnencryptedRemote;
        b.allowUnencryptedRestore = allowUnencryptedRestore;
        b.directory = directory;
        b.s3Bucket = s3Bucket;
        b.s3Prefix = s3Prefix;
        b.s3Endpoint = s3Endpoint;
        b.s3Region = s3Region;
        b.s3PathStyle = s3PathStyle;
        b.rpo = rpo;
        b.rto = rto;
        b.pgDump = pgDump;
        b.pgRestore = pgRestore;
        b.psql = psql;
        return b;
    }

    /** Returns a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code BACKUP_*} environment variables, each overridable by a system property of the
     * same name.
     *
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static BackupSettings fromEnvironment() {
        return fromEnvironment(Env.system("BACKUP_"));
    }

    /**
     * Reads the settings from the given variables (same names as {@link #fromEnvironment()}).
     *
     * @param env variables (absent or blank = unset)
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static BackupSettings fromEnvironment(Map<String, String> env) {
        // no lambdas or method references: each would link a call site (~1 ms in a fresh JVM) on the
        // command line's way to pg_dump, set or not (backup/README.md, "Where the time goes")
        Env r = Env.of(env);
        Builder b = builder();
        String zone = r.string("BACKUP_TIMEZONE").orElse(null);
        if (zone != null) {
            try {
                b.zone(ZoneId.of(zone));
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("BACKUP_TIMEZONE must be a zone id like UTC or Europe/Paris, got '"
                        + zone + "'", e);
            }
        }
        b.schedule(r.string("BACKUP_SCHEDULE").orElse(b.schedule));
        b.jitter(r.duration("BACKUP_JITTER_MINUTES", ChronoUnit.MINUTES).orElse(b.jitter));
        Retention d = Retention.DEFAULT;
        b.retention(new Retention(r.integer("BACKUP_RETENTION_DAYS").orElse(d.days()),
                r.integer("BACKUP_KEEP_NEWEST").orElse(d.keepNewest()),
                r.integer("BACKUP_KEEP_DAILY").orElse(d.daily()),
                r.integer("BACKUP_KEEP_WEEKLY").orElse(d.weekly()),
                r.integer("BACKUP_KEEP_MONTHLY").orElse(d.monthly())));
        String compression = r.string("BACKUP_COMPRESSION").orElse(null);
        if (compression != null) {
            try {
                b.compression(Compression.fromLabel(compression));
            } catch (IllegalArgumentException e) {
                throw named("BACKUP_COMPRESSION", e);
            }
        }
        b.zstdLevel(r.integer("BACKUP_ZSTD_LEVEL").orElse(b.zstdLevel));
        b.zstdWorkers(r.integer("BACKUP_ZSTD_WORKERS").orElse(b.zstdWorkers));
        b.pgJobs(r.integer("BACKUP_PG_JOBS").orElse(b.pgJobs));
        Optional<Long> lockWait = r.longValue("BACKUP_PG_LOCK_WAIT_SECONDS", 1, 86_400);
        if (lockWait.isPresent()) {
            b.pgLockWait(Duration.ofSeconds(lockWait.get()));
        }
        Path staging = r.path("BACKUP_STAGING_DIR").orElse(null);
        if (staging != null) {
            b.stagingDir(staging);
        }
        if (r.has("BACKUP_ENCRYPTION_KEYSET_FILE") && r.has("BACKUP_ENCRYPTION_KEYSET")) {
            throw new IllegalArgumentException("set BACKUP_ENCRYPTION_KEYSET_FILE or BACKUP_ENCRYPTION_KEYSET, not both");
        }
        Path keysetFile = r.path("BACKUP_ENCRYPTION_KEYSET_FILE").orElse(null);
        if (keysetFile != null) {
            try {
                b.encryption(BackupEncryption.fromKeysetFile(keysetFile));
            } catch (IllegalArgumentException e) {
                throw named("BACKUP_ENCRYPTION_KEYSET_FILE", e);
            }
        }
        String keyset = r.string("BACKUP_ENCRYPTION_KEYSET").orElse(null);
        if (keyset != null) {
            try {
                b.encryption(BackupEncryption.fromKeysetJson(keyset));
            } catch (IllegalArgumentException e) {
                throw named("BACKUP_ENCRYPTION_KEYSET", e);
            }
        }
        b.allowUnencryptedRemote(r.bool("BACKUP_INSECURE_ALLOW_UNENCRYPTED_REMOTE").orElse(b.allowUnencryptedRemote));
        b.allowUnencryptedRestore(r.bool("BACKUP_INSECURE_ALLOW_UNENCRYPTED_RESTORE").orElse(b.allowUnencryptedRestore));
        b.directory(r.path("BACKUP_DIR").orElse(b.directory));
        String bucket = r.string("BACKUP_S3_BUCKET").orElse(null);
        if (bucket != null) {
            b.s3Bucket(bucket);
        }
        b.s3Prefix(r.string("BACKUP_S3_PREFIX").orElse(b.s3Prefix));
        String endpoint = r.string("BACKUP_S3_ENDPOINT").orElse(null);
        if (endpoint != null) {
            b.s3Endpoint(endpoint);
        }
        b.s3Region(r.string("BACKUP_S3_REGION").orElse(b.s3Region));
        b.s3PathStyle(r.bool("BACKUP_S3_PATH_STYLE").orElse(b.s3PathStyle));
        b.rpo(r.duration("BACKUP_RPO_HOURS", ChronoUnit.HOURS).orElse(b.rpo));
        b.rto(r.duration("BACKUP_RTO_MINUTES", ChronoUnit.MINUTES).orElse(b.rto));
        b.pgDump(r.string("BACKUP_PG_DUMP").orElse(b.pgDump));
        b.pgRestore(r.string("BACKUP_PG_RESTORE").orElse(b.pgRestore));
        b.psql(r.string("BACKUP_PSQL").orElse(b.psql));
        return b.build();
    }

    /** A value's error, prefixed with its variable's name (a keyset file can also be missing: keep the name). */
    private static IllegalArgumentException named(String variable, IllegalArgumentException e) {
        return new IllegalArgumentException(variable + ": " + e.getMessage(), e);
    }

    /** Returns when scheduled backups run. */
    public BackupSchedule schedule() {
        return schedule;
    }

    /** Returns the maximum random delay added to each scheduled run. */
    public Duration jitter() {
        return jitter;
    }

    /** Returns what to keep. */
    public Retention retention() {
        return retention;
    }

    /** Returns the compression of new backups. */
    public Compression compression() {
        return compression;
    }

    /** Returns the zstd level. */
    public int zstdLevel() {
        return zstdLevel;
    }

    /**
     * Returns the number of zstd worker threads actually used: the setting, or one per available
     * processor when it is 0. 1 compresses in the thread that writes.
     */
    public int zstdWorkers() {
        return zstdWorkers == 0 ? Runtime.getRuntime().availableProcessors() : zstdWorkers;
    }

    /** Returns the pg_dump jobs: 1 = custom format from one process, more = parallel directory format. */
    public int pgJobs() {
        return pgJobs;
    }

    /** Returns how long pg_dump waits for a table lock before the backup fails ({@code --lock-wait-timeout}). */
    public Duration pgLockWait() {
        return pgLockWait;
    }

    /**
     * Returns where the parallel directory-format dump is staged before it is streamed into the
     * store (default: {@code java.io.tmpdir}).
     */
    public Path stagingDir() {
        return stagingDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : stagingDir;
    }

    /** Returns the encryption, empty when backups are not encrypted. */
    public Optional<BackupEncryption> encryption() {
        return Optional.ofNullable(encryption);
    }

    /** Returns whether S3 backups may be unencrypted (explicit, insecure opt-out). */
    public boolean allowUnencryptedRemote() {
        return allowUnencryptedRemote;
    }

    /**
     * Returns whether, with a keyset configured, an unencrypted backup in the store is still
     * trusted (verified, restored, counted as the newest good backup). Off by default: anyone who
     * can write to the store can plant an unencrypted backup and a manifest for it without any
     * key, so once encryption is on only backups encrypted with the keyset are believed. Turn it
     * on ({@code BACKUP_INSECURE_ALLOW_UNENCRYPTED_RESTORE=true}) only to restore backups taken
     * before encryption was switched on, from a store nobody else can write to.
     */
    public boolean allowUnencryptedRestore() {
        return allowUnencryptedRestore;
    }

    /** Returns the local backup directory (used when no bucket is set). */
    public Path directory() {
        return directory;
    }

    /** Returns the S3 bucket, empty for the local store. */
    public Optional<String> s3Bucket() {
        return Optional.ofNullable(s3Bucket);
    }

    /** Returns the key prefix inside the bucket. */
    public String s3Prefix() {
        return s3Prefix;
    }

    /** Returns the S3 endpoint override (S3-compatible servers), empty for AWS. */
    public Optional<String> s3Endpoint() {
        return Optional.ofNullable(s3Endpoint);
    }

    /** Returns the S3 region. */
    public String s3Region() {
        return s3Region;
    }

    /** Returns whether to use path-style S3 addressing (most S3-compatible servers need it). */
    public boolean s3PathStyle() {
        return s3PathStyle;
    }

    /** Returns the recovery point objective. */
    public Duration rpo() {
        return rpo;
    }

    /** Returns the recovery time objective. */
    public Duration rto() {
        return rto;
    }

    /** Returns the pg_dump executable. */
    public String pgDump() {
        return pgDump;
    }

    /** Returns the pg_restore executable. */
    public String pgRestore() {
        return pgRestore;
    }

    /**
     * Returns the psql executable: the session that exports the dump's snapshot (and, for the
     * command line, holds the advisory lock) is a psql process, like pg_dump a libpq client.
     */
    public String psql() {
        return psql;
    }

    /**
     * Returns the store these settings name: S3 when a bucket is set, else the local directory.
     *
     * @return the store these settings name: S3 when a bucket is set, else the local directory
     */
    public BackupStore openStore() {
        if (s3Bucket != null) {
            return BackupStore.s3(this);
        }
        return BackupStore.local(directory);
    }

    @Override
    public String toString() {
        return "BackupSettings[schedule=" + schedule + ", jitter=" + jitter + ", retention=" + retention
                + ", compression=" + compression.label() + (compression == Compression.ZSTD ? "/" + zstdLevel + "x" + zstdWorkers() : "")
                + (pgJobs > 1 ? ", pgJobs=" + pgJobs : "")
                + ", encryption=" + (encryption == null ? "none" : "key " + encryption.keyId())
                + ", store=" + (s3Bucket == null ? directory : "s3://" + s3Bucket + "/" + s3Prefix)
                + ", rpo=" + rpo + ", rto=" + rto + "]";
    }

    /** Builds {@link BackupSettings}; every setter's default is the matching constant. */
    public static final class Builder {
        private String schedule = DEFAULT_SCHEDULE;
        private ZoneId zone = DEFAULT_ZONE;
        private Duration jitter = DEFAULT_JITTER;
        private Retention retention = Retention.DEFAULT;
        private Compression compression = DEFAULT_COMPRESSION;
        private int zstdLevel = DEFAULT_ZSTD_LEVEL;
        private int zstdWorkers = DEFAULT_ZSTD_WORKERS;
        private int pgJobs = DEFAULT_PG_JOBS;
        private Duration pgLockWait = DEFAULT_PG_LOCK_WAIT;
        private Path stagingDir;
        private BackupEncryption encryption;
        private boolean allowUnencryptedRemote;
        private boolean allowUnencryptedRestore;
        private Path directory = DEFAULT_DIRECTORY;
        private String s3Bucket;
        private String s3Prefix;
        private String s3Endpoint;
        private String s3Region = DEFAULT_S3_REGION;
        private boolean s3PathStyle;
        private Duration rpo = DEFAULT_RPO;
        private Duration rto = DEFAULT_RTO;
        private String pgDump = "pg_dump";
        private String pgRestore = "pg_restore";
        private String psql = "psql";

        private Builder() {
        }

        /**
         * Sets the schedule expression (see {@link BackupSchedule#parse}).
         *
         * @param v schedule expression (see {@link BackupSchedule#parse})
         * @return this
         */
        public Builder schedule(String v) {
            this.schedule = Objects.requireNonNull(v, "schedule");
            return this;
        }

        /**
         * Sets the zone of the schedule and of GFS days.
         *
         * @param v zone of the schedule and of GFS days
         * @return this
         */
        public Builder zone(ZoneId v) {
            this.zone = Objects.requireNonNull(v, "zone");
            return this;
        }

        /**
         * Sets the maximum random delay per scheduled run.
         *
         * @param v maximum random delay per scheduled run
         * @return this
         */
        public Builder jitter(Duration v) {
            this.jitter = Objects.requireNonNull(v, "jitter");
            return this;
        }

        /**
         * Sets what to keep.
         *
         * @param v retention
         * @return this
         */
        public Builder retention(Retention v) {
            this.retention = Objects.requireNonNull(v, "retention");
            return this;
        }

        /**
         * Sets the compression of new backups.
         *
         * @param v compression
         * @return this
         */
        public Builder compression(Compression v) {
            this.compression = Objects.requireNonNull(v, "compression");
            return this;
        }

        /**
         * Sets the zstd level, 1..19.
         *
         * @param v zstd level 1..19
         * @return this
         */
        public Builder zstdLevel(int v) {
            this.zstdLevel = v;
            return this;
        }

        /**
         * Sets the zstd worker threads, 0..64: 0 (default) = one per available processor, 1 =
         * compress in the writing thread.
         *
         * @param v zstd worker threads
         * @return this
         */
        public Builder zstdWorkers(int v) {
            this.zstdWorkers = v;
            return this;
        }

        /**
         * Sets the pg_dump jobs, 1..64: 1 (default) = custom format from one process; 2 or more =
         * directory format dumped by that many parallel jobs from one snapshot, stored as one tar
         * archive and restored with {@code pg_restore} using as many jobs.
         *
         * @param v pg_dump jobs
         * @return this
         */
        public Builder pgJobs(int v) {
            this.pgJobs = v;
            return this;
        }

        /**
         * Sets how long pg_dump waits for a table lock (1 s to 1 day, default 5 min): a table held
         * in {@code ACCESS EXCLUSIVE} mode (a migration) makes the backup fail after it, naming
         * the setting, instead of holding the backup lock and a snapshot for ever.
         *
         * @param v the longest wait
         * @return this
         */
        public Builder pgLockWait(Duration v) {
            this.pgLockWait = v;
            return this;
        }

        /**
         * Sets where a parallel dump is staged before it is streamed into the store (default:
         * {@code java.io.tmpdir}); it needs room for the uncompressed dump.
         *
         * @param v staging directory
         * @return this
         */
        public Builder stagingDir(Path v) {
            this.stagingDir = Objects.requireNonNull(v, "stagingDir");
            return this;
        }

        /**
         * Sets the encryption, or {@code null} for none.
         *
         * @param v encryption, or {@code null} for none
         * @return this
         */
        public Builder encryption(BackupEncryption v) {
            this.encryption = v;
            return this;
        }

        /**
         * Allows unencrypted backups to S3 (an insecure, explicit opt-out).
         *
         * @param v allow unencrypted backups to S3 (insecure)
         * @return this
         */
        public Builder allowUnencryptedRemote(boolean v) {
            this.allowUnencryptedRemote = v;
            return this;
        }

        /**
         * With a keyset configured, still trusts unencrypted backups found in the store (an
         * insecure, explicit opt-out; see {@link BackupSettings#allowUnencryptedRestore()}).
         *
         * @param v trust unencrypted backups although a keyset is configured (insecure)
         * @return this
         */
        public Builder allowUnencryptedRestore(boolean v) {
            this.allowUnencryptedRestore = v;
            return this;
        }

        /**
         * Sets the local backup directory.
         *
         * @param v local backup directory
         * @return this
         */
        public Builder directory(Path v) {
            this.directory = Objects.requireNonNull(v, "directory");
            return this;
        }

        /**
         * Sets the S3 bucket (switches to the S3 store).
         *
         * @param v S3 bucket (switches to the S3 store)
         * @return this
         */
        public Builder s3Bucket(String v) {
            this.s3Bucket = v;
            return this;
        }

        /**
         * Sets the key prefix in the bucket.
         *
         * @param v key prefix in the bucket
         * @return this
         */
        public Builder s3Prefix(String v) {
            this.s3Prefix = v;
            return this;
        }

        /**
         * Sets the endpoint URL of an S3-compatible server.
         *
         * @param v endpoint URL of an S3-compatible server
         * @return this
         */
        public Builder s3Endpoint(String v) {
            this.s3Endpoint = v;
            return this;
        }

        /**
         * Sets the S3 region.
         *
         * @param v region
         * @return this
         */
        public Builder s3Region(String v) {
            this.s3Region = Objects.requireNonNull(v, "s3Region");
            return this;
        }

        /**
         * Sets whether S3 uses path-style addressing.
         *
         * @param v path-style addressing
         * @return this
         */
        public Builder s3PathStyle(boolean v) {
            this.s3PathStyle = v;
            return this;
        }

        /**
         * Sets the recovery point objective.
         *
         * @param v recovery point objective
         * @return this
         */
        public Builder rpo(Duration v) {
            this.rpo = Objects.requireNonNull(v, "rpo");
            return this;
        }

        /**
         * Sets the recovery time objective.
         *
         * @param v recovery time objective
         * @return this
         */
        public Builder rto(Duration v) {
            this.rto = Objects.requireNonNull(v, "rto");
            return this;
        }

        /**
         * Sets the pg_dump executable (name on PATH or absolute path).
         *
         * @param v pg_dump executable (name on PATH or absolute path)
         * @return this
         */
        public Builder pgDump(String v) {
            this.pgDump = Objects.requireNonNull(v, "pgDump");
            return this;
        }

        /**
         * Sets the pg_restore executable.
         *
         * @param v pg_restore executable
         * @return this
         */
        public Builder pgRestore(String v) {
            this.pgRestore = Objects.requireNonNull(v, "pgRestore");
            return this;
        }

        /**
         * Sets the psql executable, which holds the transaction whose snapshot pg_dump dumps.
         *
         * @param v psql executable (name on PATH or absolute path)
         * @return this
         */
        public Builder psql(String v) {
            this.psql = Objects.requireNonNull(v, "psql");
            return this;
        }

        /**
         * Returns the validated settings.
         *
         * @return the validated settings
         * @throws IllegalArgumentException naming the setting when a value is invalid
         */
        public BackupSettings build() {
            return new BackupSettings(this);
        }
    }
}
