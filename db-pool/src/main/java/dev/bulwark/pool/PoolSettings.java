package dev.bulwark.pool;

import dev.bulwark.core.internal.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Immutable settings of a monitored HikariCP pool: connection, sizing, timeouts and the monitor's
 * thresholds. Build with {@link #builder()} or read them with {@link #fromEnvironment()}.
 *
 * <p>Sizing follows SQLAlchemy's "pool size + overflow" model: {@link #poolSize()} connections are
 * kept open at rest, up to {@link #maxOverflow()} more are opened under a burst (Hikari's
 * {@code maximumPoolSize} is {@code poolSize + maxOverflow}), and those are closed again once they
 * have not been needed for {@link #overflowIdle()}. The monitor drives HikariCP's
 * {@code minimumIdle} to get this; see {@link ConnectionPoolMonitor}.
 *
 * <p>Every value is validated when the settings are built; an error names the setting, its
 * environment variable, the bad value (never the password) and the accepted range.
 *
 * <pre>{@code
 * PoolSettings settings = PoolSettings.builder()
 *     .url("jdbc:postgresql://db:5432/app").user("app").password(secret)
 *     .poolSize(10).maxOverflow(20).acquireTimeout(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 */
public final class PoolSettings {

    /** Default number of connections kept open at rest ({@code DB_POOL_SIZE}). */
    public static final int DEFAULT_POOL_SIZE = 20;
    /** Default number of connections opened above it under a burst ({@code DB_MAX_OVERFLOW}). */
    public static final int DEFAULT_MAX_OVERFLOW = 40;
    /** Default acquire timeout ({@code DB_POOL_TIMEOUT_MS}). */
    public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);
    /** Default maximum connection lifetime ({@code DB_POOL_RECYCLE_MS}). */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
    /** Default idle timeout for connections above the steady size ({@code DB_POOL_IDLE_TIMEOUT_MS}). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** Default keep-alive ping interval for idle connections ({@code DB_POOL_KEEPALIVE_MS}). */
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofMinutes(2);
    /** Default time allowed for one validation ({@code DB_POOL_VALIDATION_TIMEOUT_MS}). */
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(5);
    /** Default leak threshold: off ({@code DB_LEAK_DETECTION_MS=0}). */
    public static final Duration DEFAULT_LEAK_DETECTION = Duration.ZERO;
    /** Default embedded H2 database file, without H2's {@code .mv.db} suffix ({@code DB_EMBEDDED_PATH}). */
    public static final Path DEFAULT_EMBEDDED_PATH = Path.of("data", "bulwark-db");
    /** Default utilisation above which the pool is reported degraded ({@code DB_POOL_DEGRADED_UTILISATION}). */
    public static final double DEFAULT_DEGRADED_UTILISATION = 0.8;
    /** Default exhaustion length after which the pool is unhealthy ({@code DB_POOL_UNHEALTHY_EXHAUSTED_MS}). */
    public static final Duration DEFAULT_UNHEALTHY_AFTER_EXHAUSTED = Duration.ofSeconds(10);
    /** Default interval at which the monitor samples the pool ({@code DB_POOL_SAMPLE_INTERVAL_MS}). */
    public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofMillis(250);
    /** Default time overflow connections stay open once not needed ({@code DB_POOL_OVERFLOW_IDLE_MS}). */
    public static final Duration DEFAULT_OVERFLOW_IDLE = Duration.ofSeconds(5);
    /** Default interval of the fleet budget check on PostgreSQL ({@code DB_POOL_FLEET_CHECK_MS}). */
    public static final Duration DEFAULT_FLEET_CHECK_INTERVAL = Duration.ofSeconds(10);
    /** Default window of the peak and {@code _max} figures ({@code DB_POOL_PEAK_WINDOW_MS}), as Micrometer's. */
    public static final Duration DEFAULT_PEAK_WINDOW = Duration.ofMinutes(2);

    /** Hikari's own lower bounds; below them Hikari silently substitutes its defaults. */
    static final Duration MIN_ACQUIRE_TIMEOUT = Duration.ofMillis(250);
    static final Duration MIN_MAX_LIFETIME = Duration.ofSeconds(30);
    static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MIN_KEEPALIVE = Duration.ofSeconds(30);
    static final Duration MIN_VALIDATION_TIMEOUT = Duration.ofMillis(250);
    static final Duration MIN_LEAK_DETECTION = Duration.ofSeconds(2);

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern URL_SECRET = Pattern.compile("(?i)(password|passwd|pwd)=[^&;]*");

    private final String url;
    private final String user;
    private final String password;
    private final String poolName;
    private final int poolSize;
    private final int maxOverflow;
    private final Duration acquireTimeout;
    private final Duration maxLifetime;
    private final Duration idleTimeout;
    private final Duration keepalive;
    private final Duration validationTimeout;
    private final boolean prePing;
    private final Duration leakDetection;
    private final Path embeddedPath;
    private final double degradedUtilisation;
    private final Duration unhealthyAfterExhausted;
    private final Duration sampleInterval;
    private final Duration overflowIdle;
    private final String instance;
    private final Duration fleetCheckInterval;
    private final Duration peakWindow;

    private PoolSettings(Builder b) {
        this.url = b.url;
        this.user = b.user;
        this.password = b.password;
        this.poolName = b.poolName;
        this.poolSize = b.poolSize;
        this.maxOverflow = b.maxOverflow;
        this.acquireTimeout = b.acquireTimeout;
        this.maxLifetime = b.maxLifetime;
        this.idleTimeout = b.idleTimeout;
        this.keepalive = b.keepalive;
        this.validationTimeout = b.validationTimeout;
        this.prePing = b.prePing;
        this.leakDetection = b.leakDetection;
        this.embeddedPath = b.embeddedPath;
        this.degradedUtilisation = b.degradedUtilisation;
        this.unhealthyAfterExhausted = b.unhealthyAfterExhausted;
        this.sampleInterval = b.sampleInterval;
        this.overflowIdle = b.overflowIdle;
        this.instance = b.instance;
        this.fleetCheckInterval = b.fleetCheckInterval;
        this.peakWindow = b.peakWindow;
    }

    /**
     * A builder holding every value of these settings, to change a few and build again.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.user = user;
        b.password = password;
        b.poolName = poolName;
        b.poolSize = poolSize;
        b.maxOverflow = maxOverflow;
        b.acquireTimeout = acquireTimeout;
        b.maxLifetime = maxLifetime;
        b.idleTimeout = idleTimeout;
        b.keepalive = keepalive;
        b.validationTimeout = validationTimeout;
        b.prePing = prePing;
        b.leakDetection = leakDetection;
        b.embeddedPath = embeddedPath;
        b.degradedUtilisation = degradedUtilisation;
        b.unhealthyAfterExhausted = unhealthyAfterExhausted;
        b.sampleInterval = sampleInterval;
        b.overflowIdle = overflowIdle;
        b.instance = instance;
        b.fleetCheckInterval = fleetCheckInterval;
        b.peakWindow = peakWindow;
        return b;
    }

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings from environment variables, each overridable by a JVM system property
     * of the same name ({@code -DDB_POOL_SIZE=10}). Unset variables keep their defaults.
     *
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static PoolSettings fromEnvironment() {
        return fromEnvironment(Env.system("DB_"));
    }

    /**
     * Reads the settings from the given variables (same names as {@link #fromEnvironment()}).
     *
     * @param env variable name to value; absent or blank means unset
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static PoolSettings fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Env r = Env.of(env);
        Builder b = builder();
        r.string("DB_URL").ifPresent(b::url);
        r.string("DB_USER").ifPresent(b::user);
        r.string("DB_PASSWORD").ifPresent(b::password);
        r.string("DB_POOL_NAME").ifPresent(b::poolName);
        r.integer("DB_POOL_SIZE").ifPresent(b::poolSize);
        r.integer("DB_MAX_OVERFLOW").ifPresent(b::maxOverflow);
        r.duration("DB_POOL_TIMEOUT_MS", ChronoUnit.MILLIS).ifPresent(b::acquireTimeout);
        r.duration("DB_POOL_RECYCLE_MS", ChronoUnit.MILLIS).ifPresent(b::maxLifetime);
        r.duration("DB_POOL_IDLE_TIMEOUT_MS", ChronoUnit.MILLIS).ifPresent(b::idleTimeout);
        r.duration("DB_POOL_KEEPALIVE_MS", ChronoUnit.MILLIS).ifPresent(b::keepalive);
        r.duration("DB_POOL_VALIDATION_TIMEOUT_MS", ChronoUnit.MILLIS).ifPresent(b::validationTimeout);
        r.bool("DB_POOL_PRE_PING").ifPresent(b::prePing);
        r.duration("DB_LEAK_DETECTION_MS", ChronoUnit.MILLIS).ifPresent(b::leakDetection);
        r.path("DB_EMBEDDED_PATH").ifPresent(b::embeddedPath);
        r.decimal("DB_POOL_DEGRADED_UTILISATION").ifPresent(b::degradedUtilisation);
        r.duration("DB_POOL_UNHEALTHY_EXHAUSTED_MS", ChronoUnit.MILLIS).ifPresent(b::unhealthyAfterExhausted);
        r.duration("DB_POOL_SAMPLE_INTERVAL_MS", ChronoUnit.MILLIS).ifPresent(b::sampleInterval);
        r.duration("DB_POOL_OVERFLOW_IDLE_MS", ChronoUnit.MILLIS).ifPresent(b::overflowIdle);
        r.duration("DB_POOL_FLEET_CHECK_MS", ChronoUnit.MILLIS).ifPresent(b::fleetCheckInterval);
        r.duration("DB_POOL_PEAK_WINDOW_MS", ChronoUnit.MILLIS).ifPresent(b::peakWindow);
        Optional<String> instance = r.string("DB_POOL_INSTANCE");
        b.instance(instance.isPresent() ? instance.get() : defaultInstance(r.string("HOSTNAME").orElse(null)));
        return b.build();
    }

    /**
     * The instance name used when {@code DB_POOL_INSTANCE} is unset: {@code <HOSTNAME>-<pid>} (the
     * pod name in Kubernetes), or {@code pid-<pid>} without {@code HOSTNAME}; characters other than
     * letters, digits, {@code _ . : -} become {@code _}.
     */
    static String defaultInstance(String hostname) {
        long pid = ProcessHandle.current().pid();
        String host = hostname == null || hostname.isBlank() ? "pid" : hostname.trim().replaceAll("[^A-Za-z0-9_.:-]", "_");
        String name = host + "-" + pid;
        return name.length() > 64 ? name.substring(name.length() - 64) : name;
    }

    /** JDBC URL; empty when the embedded H2 default is used. */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** True when no {@code DB_URL} was given and the embedded H2 file database is used. */
    public boolean embedded() {
        return url == null;
    }

    /** The JDBC URL actually used: {@link #url()} or the embedded H2 file URL. */
    public String effectiveUrl() {
        return url != null ? url
                : "jdbc:h2:file:" + embeddedPath.toAbsolutePath().normalize() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** The effective URL with any password parameter masked, for logs and health output. */
    public String redactedUrl() {
        return URL_SECRET.matcher(effectiveUrl()).replaceAll("$1=****");
    }

    /** Database user ({@code DB_USER}); {@code sa} for the embedded default when unset. */
    public String user() {
        return user != null ? user : embedded() ? "sa" : "";
    }

    /** Database password ({@code DB_PASSWORD}); never printed by this class. */
    public String password() {
        return password == null ? "" : password;
    }

    /** Pool name, used in metric names and labels ({@code DB_POOL_NAME}, default {@code bulwark}). */
    public String poolName() {
        return poolName;
    }

    /** Connections kept open at rest ({@code DB_POOL_SIZE}). */
    public int poolSize() {
        return poolSize;
    }

    /** Connections opened above the steady size under load ({@code DB_MAX_OVERFLOW}). */
    public int maxOverflow() {
        return maxOverflow;
    }

    /** Hikari {@code maximumPoolSize}: {@code poolSize + maxOverflow}. */
    public int maximumPoolSize() {
        return poolSize + maxOverflow;
    }

    /** How long {@code getConnection()} waits before failing ({@code DB_POOL_TIMEOUT_MS}). */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /** Maximum lifetime of a connection, after which it is recycled; zero = never ({@code DB_POOL_RECYCLE_MS}). */
    public Duration maxLifetime() {
        return maxLifetime;
    }

    /**
     * HikariCP's own {@code idleTimeout} ({@code DB_POOL_IDLE_TIMEOUT_MS}): a backstop that retires
     * idle connections above the steady size on Hikari's 30-second housekeeping run. The monitor
     * closes overflow sooner, after {@link #overflowIdle()}.
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Interval of keep-alive pings on idle connections; zero = off ({@code DB_POOL_KEEPALIVE_MS}). */
    public Duration keepalive() {
        return keepalive;
    }

    /** Time allowed for one validation of a connection ({@code DB_POOL_VALIDATION_TIMEOUT_MS}). */
    public Duration validationTimeout() {
        return validationTimeout;
    }

    /**
     * Validate before handing out ({@code DB_POOL_PRE_PING}). HikariCP always validates a
     * connection that has been idle for more than 500 ms ({@code Connection.isValid}, bounded by
     * {@link #validationTimeout()}) before returning it; that is what {@code true} means here. The
     * 500 ms window is JVM-wide in Hikari, so {@code false} cannot switch the check off for one
     * pool: it is accepted and logged as having no effect.
     */
    public boolean prePing() {
        return prePing;
    }

    /** Time a connection may be held before it is reported as a leak; zero = off ({@code DB_LEAK_DETECTION_MS}). */
    public Duration leakDetection() {
        return leakDetection;
    }

    /** File of the embedded H2 database used when {@code DB_URL} is unset ({@code DB_EMBEDDED_PATH}). */
    public Path embeddedPath() {
        return embeddedPath;
    }

    /** Utilisation (0..1] above which the pool is degraded ({@code DB_POOL_DEGRADED_UTILISATION}). */
    public double degradedUtilisation() {
        return degradedUtilisation;
    }

    /** Exhaustion longer than this makes the pool unhealthy ({@code DB_POOL_UNHEALTHY_EXHAUSTED_MS}). */
    public Duration unhealthyAfterExhausted() {
        return unhealthyAfterExhausted;
    }

    /** How often the monitor samples the pool's state ({@code DB_POOL_SAMPLE_INTERVAL_MS}). */
    public Duration sampleInterval() {
        return sampleInterval;
    }

    /**
     * How long connections above {@link #poolSize()} stay open once they are no longer needed
     * ({@code DB_POOL_OVERFLOW_IDLE_MS}); 0 closes them at the first sample after the burst, as
     * SQLAlchemy closes an overflow connection when it is returned. The monitor checks every
     * {@link #sampleInterval()} (and counts the in-use peak between two samples as needed), so
     * closing happens within this plus two sample intervals.
     */
    public Duration overflowIdle() {
        return overflowIdle;
    }

    /**
     * This replica's name ({@code DB_POOL_INSTANCE}; default {@code <HOSTNAME>-<pid>}): part of
     * every connection's {@code application_name}, so the replicas of one service can be told apart
     * and counted together on the server.
     */
    public String instance() {
        return instance;
    }

    /**
     * The {@code application_name} every connection carries on PostgreSQL:
     * {@code <pool>:<maximum pool size>:<instance>}, at most 63 characters.
     */
    public String applicationName() {
        return dev.bulwark.pool.internal.FleetCheck.applicationName(poolName, maximumPoolSize(), instance);
    }

    /**
     * How often the monitor reads, on PostgreSQL, the server's connection limit and the connections
     * of every replica of this pool ({@code DB_POOL_FLEET_CHECK_MS}); 0 turns the check off.
     */
    public Duration fleetCheckInterval() {
        return fleetCheckInterval;
    }

    /** Window of the peak figures and of the Prometheus {@code _max} gauges ({@code DB_POOL_PEAK_WINDOW_MS}). */
    public Duration peakWindow() {
        return peakWindow;
    }

    /** The settings as name/value pairs for health output: no password, URL redacted. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("url", redactedUrl());
        out.put("user", user());
        out.put("embedded", embedded());
        out.put("poolSize", poolSize);
        out.put("maxOverflow", maxOverflow);
        out.put("maximumPoolSize", maximumPoolSize());
        out.put("acquireTimeoutMs", acquireTimeout.toMillis());
        out.put("maxLifetimeMs", maxLifetime.toMillis());
        out.put("idleTimeoutMs", idleTimeout.toMillis());
        out.put("keepaliveMs", keepalive.toMillis());
        out.put("validationTimeoutMs", validationTimeout.toMillis());
        out.put("prePing", prePing);
        out.put("leakDetectionMs", leakDetection.toMillis());
        out.put("degradedUtilisation", degradedUtilisation);
        out.put("unhealthyAfterExhaustedMs", unhealthyAfterExhausted.toMillis());
        out.put("overflowIdleMs", overflowIdle.toMillis());
        out.put("instance", instance);
        out.put("fleetCheckMs", fleetCheckInterval.toMillis());
        out.put("peakWindowMs", peakWindow.toMillis());
        return out;
    }

    /** Never contains the password. */
    @Override
    public String toString() {
        return "PoolSettings" + describe();
    }

    /** Builds {@link PoolSettings}; every value is validated in {@link #build()}. */
    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private String poolName = "bulwark";
        private int poolSize = DEFAULT_POOL_SIZE;
        private int maxOverflow = DEFAULT_MAX_OVERFLOW;
        private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration keepalive = DEFAULT_KEEPALIVE;
        private Duration validationTimeout = DEFAULT_VALIDATION_TIMEOUT;
        private boolean prePing = true;
        private Duration leakDetection = DEFAULT_LEAK_DETECTION;
        private Path embeddedPath = DEFAULT_EMBEDDED_PATH;
        private double degradedUtilisation = DEFAULT_DEGRADED_UTILISATION;
        private Duration unhealthyAfterExhausted = DEFAULT_UNHEALTHY_AFTER_EXHAUSTED;
        private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
        private Duration overflowIdle = DEFAULT_OVERFLOW_IDLE;
        private String instance = defaultInstance(System.getenv("HOSTNAME"));
        private Duration fleetCheckInterval = DEFAULT_FLEET_CHECK_INTERVAL;
        private Duration peakWindow = DEFAULT_PEAK_WINDOW;

        private Builder() {
        }

        /** JDBC URL ({@code DB_URL}); null for the embedded H2 default. @param url the URL @return this */
        public Builder url(String url) {
            this.url = url == null || url.isBlank() ? null : url.trim();
            return this;
        }

        /**
         * Sets the database user.
         *
         * @param user database user ({@code DB_USER})
         * @return this
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets the database password (never printed).
         *
         * @param password database password ({@code DB_PASSWORD})
         * @return this
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * Sets the pool name.
         *
         * @param poolName letters, digits, '-' and '_' ({@code DB_POOL_NAME})
         * @return this
         */
        public Builder poolName(String poolName) {
            this.poolName = poolName;
            return this;
        }

        /**
         * Sets the connections kept open at rest.
         *
         * @param poolSize connections kept open at rest, ≥ 0 ({@code DB_POOL_SIZE})
         * @return this
         */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /**
         * Sets how many connections may be opened above the pool size under a burst.
         *
         * @param maxOverflow burst connections, ≥ 0 ({@code DB_MAX_OVERFLOW})
         * @return this
         */
        public Builder maxOverflow(int maxOverflow) {
            this.maxOverflow = maxOverflow;
            return this;
        }

        /**
         * Sets the acquire timeout.
         *
         * @param timeout acquire timeout, ≥ 250 ms ({@code DB_POOL_TIMEOUT_MS})
         * @return this
         */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = timeout;
            return this;
        }

        /**
         * Sets the max lifetime.
         *
         * @param lifetime max lifetime, 0 or ≥ 30 s ({@code DB_POOL_RECYCLE_MS})
         * @return this
         */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = lifetime;
            return this;
        }

        /**
         * Sets the idle timeout.
         *
         * @param timeout idle timeout, 0 or ≥ 10 s ({@code DB_POOL_IDLE_TIMEOUT_MS})
         * @return this
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Sets the keep-alive interval of idle connections.
         *
         * @param interval keep-alive, 0 or ≥ 30 s and below the max lifetime ({@code DB_POOL_KEEPALIVE_MS})
         * @return this
         */
        public Builder keepalive(Duration interval) {
            this.keepalive = interval;
            return this;
        }

        /**
         * Sets the validation timeout.
         *
         * @param timeout validation timeout, ≥ 250 ms and below the acquire timeout
         * @return this
         */
        public Builder validationTimeout(Duration timeout) {
            this.validationTimeout = timeout;
            return this;
        }

        /**
         * Sets whether connections are validated before use.
         *
         * @param prePing see {@link PoolSettings#prePing()} ({@code DB_POOL_PRE_PING})
         * @return this
         */
        public Builder prePing(boolean prePing) {
            this.prePing = prePing;
            return this;
        }

        /**
         * Sets the time after which a held connection is reported as a leak.
         *
         * @param threshold leak threshold, 0 (off) or ≥ 2 s ({@code DB_LEAK_DETECTION_MS})
         * @return this
         */
        public Builder leakDetection(Duration threshold) {
            this.leakDetection = threshold;
            return this;
        }

        /**
         * Sets the file of the embedded H2 database.
         *
         * @param path embedded H2 file ({@code DB_EMBEDDED_PATH})
         * @return this
         */
        public Builder embeddedPath(Path path) {
            this.embeddedPath = path;
            return this;
        }

        /**
         * Sets the utilisation above which the pool is degraded.
         *
         * @param utilisation degraded threshold in (0, 1]
         * @return this
         */
        public Builder degradedUtilisation(double utilisation) {
            this.degradedUtilisation = utilisation;
            return this;
        }

        /**
         * Sets how long exhaustion may last before the pool is unhealthy.
         *
         * @param duration exhaustion length that makes the pool unhealthy, ≥ 0
         * @return this
         */
        public Builder unhealthyAfterExhausted(Duration duration) {
            this.unhealthyAfterExhausted = duration;
            return this;
        }

        /**
         * Sets how often the monitor samples the pool.
         *
         * @param interval monitor sampling interval, 10 ms to 60 s
         * @return this
         */
        public Builder sampleInterval(Duration interval) {
            this.sampleInterval = interval;
            return this;
        }

        /**
         * Sets how long an overflow connection may stay unused before it is closed.
         *
         * @param idle overflow idle time, 0 to 3600000 ms ({@code DB_POOL_OVERFLOW_IDLE_MS})
         * @return this
         */
        public Builder overflowIdle(Duration idle) {
            this.overflowIdle = idle;
            return this;
        }

        /**
         * Sets this replica's name in application_name.
         *
         * @param instance this replica's name, 1-64 of {@code [A-Za-z0-9_.:-]} ({@code DB_POOL_INSTANCE})
         * @return this
         */
        public Builder instance(String instance) {
            this.instance = instance;
            return this;
        }

        /**
         * Sets how often the replicas' connections are counted on the server.
         *
         * @param interval fleet check interval, 0 (off) or 1000 to 3600000 ms ({@code DB_POOL_FLEET_CHECK_MS})
         * @return this
         */
        public Builder fleetCheckInterval(Duration interval) {
            this.fleetCheckInterval = interval;
            return this;
        }

        /**
         * Sets the window of the peak gauges.
         *
         * @param window peak window, 1000 ms to 1 day ({@code DB_POOL_PEAK_WINDOW_MS})
         * @return this
         */
        public Builder peakWindow(Duration window) {
            this.peakWindow = window;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting and its variable when a value is invalid
         */
        public PoolSettings build() {
            if (url != null && !url.startsWith("jdbc:")) {
                throw invalid("url", "DB_URL", "must be a JDBC URL starting with 'jdbc:' (for example "
                        + "jdbc:postgresql://host:5432/db), got '" + URL_SECRET.matcher(url).replaceAll("$1=****") + "'");
            }
            if (poolName == null || !poolName.matches("[A-Za-z0-9_-]{1,64}")) {
                throw invalid("poolName", "DB_POOL_NAME", "must be 1-64 letters, digits, '-' or '_', got '" + poolName + "'");
            }
            if (poolSize < 0) {
                throw invalid("poolSize", "DB_POOL_SIZE", "must be ≥ 0, got " + poolSize);
            }
            if (maxOverflow < 0) {
                throw invalid("maxOverflow", "DB_MAX_OVERFLOW", "must be ≥ 0, got " + maxOverflow);
            }
            if ((long) poolSize + maxOverflow < 1 || (long) poolSize + maxOverflow > 10_000) {
                throw invalid("poolSize + maxOverflow", "DB_POOL_SIZE + DB_MAX_OVERFLOW",
                        "must be between 1 and 10000 connections, got " + ((long) poolSize + maxOverflow));
            }
            atLeast("acquireTimeout", "DB_POOL_TIMEOUT_MS", acquireTimeout, MIN_ACQUIRE_TIMEOUT, false);
            atLeast("maxLifetime", "DB_POOL_RECYCLE_MS", maxLifetime, MIN_MAX_LIFETIME, true);
            atLeast("idleTimeout", "DB_POOL_IDLE_TIMEOUT_MS", idleTimeout, MIN_IDLE_TIMEOUT, true);
            atLeast("keepalive", "DB_POOL_KEEPALIVE_MS", keepalive, MIN_KEEPALIVE, true);
            atLeast("validationTimeout", "DB_POOL_VALIDATION_TIMEOUT_MS", validationTimeout, MIN_VALIDATION_TIMEOUT, false);
            atLeast("leakDetection", "DB_LEAK_DETECTION_MS", leakDetection, MIN_LEAK_DETECTION, true);
            if (validationTimeout.compareTo(acquireTimeout) >= 0) {
                throw invalid("validationTimeout", "DB_POOL_VALIDATION_TIMEOUT_MS", "must be below the acquire timeout ("
                        + acquireTimeout.toMillis() + " ms), got " + validationTimeout.toMillis() + " ms");
            }
            if (!keepalive.isZero() && !maxLifetime.isZero() && keepalive.compareTo(maxLifetime) >= 0) {
                throw invalid("keepalive", "DB_POOL_KEEPALIVE_MS", "must be below the max lifetime DB_POOL_RECYCLE_MS ("
                        + maxLifetime.toMillis() + " ms) or 0 to turn it off, got " + keepalive.toMillis() + " ms");
            }
            if (!leakDetection.isZero() && !maxLifetime.isZero() && leakDetection.compareTo(maxLifetime) >= 0) {
                throw invalid("leakDetection", "DB_LEAK_DETECTION_MS", "must be below the max lifetime DB_POOL_RECYCLE_MS ("
                        + maxLifetime.toMillis() + " ms), got " + leakDetection.toMillis() + " ms");
            }
            if (embeddedPath == null) {
                throw invalid("embeddedPath", "DB_EMBEDDED_PATH", "must not be null");
            }
            if (!(degradedUtilisation > 0 && degradedUtilisation <= 1)) {
                throw invalid("degradedUtilisation", "DB_POOL_DEGRADED_UTILISATION",
                        "must be in (0, 1], got " + degradedUtilisation);
            }
            atLeast("unhealthyAfterExhausted", "DB_POOL_UNHEALTHY_EXHAUSTED_MS", unhealthyAfterExhausted, Duration.ZERO, false);
            atLeast("sampleInterval", "DB_POOL_SAMPLE_INTERVAL_MS", sampleInterval, Duration.ofMillis(10), false);
            if (sampleInterval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw invalid("sampleInterval", "DB_POOL_SAMPLE_INTERVAL_MS", "must be at most 60000 ms, got "
                        + sampleInterval.toMillis() + " ms");
            }
            atLeast("overflowIdle", "DB_POOL_OVERFLOW_IDLE_MS", overflowIdle, Duration.ZERO, false);
            atMost("overflowIdle", "DB_POOL_OVERFLOW_IDLE_MS", overflowIdle, Duration.ofHours(1));
            if (instance == null || !INSTANCE.matcher(instance).matches()) {
                throw invalid("instance", "DB_POOL_INSTANCE", "must be 1-64 letters, digits, '_', '.', ':' or '-', got '"
                        + instance + "'");
            }
            atLeast("fleetCheckInterval", "DB_POOL_FLEET_CHECK_MS", fleetCheckInterval, Duration.ofSeconds(1), true);
            atMost("fleetCheckInterval", "DB_POOL_FLEET_CHECK_MS", fleetCheckInterval, Duration.ofHours(1));
            atLeast("peakWindow", "DB_POOL_PEAK_WINDOW_MS", peakWindow, Duration.ofSeconds(1), false);
            atMost("peakWindow", "DB_POOL_PEAK_WINDOW_MS", peakWindow, Duration.ofDays(1));
            return new PoolSettings(this);
        }

        private static void atLeast(String field, String variable, Duration value, Duration min, boolean zeroAllowed) {
            if (value == null) {
                throw invalid(field, variable, "must not be null");
            }
            if (value.isNegative()) {
                throw invalid(field, variable, "must not be negative, got " + value.toMillis() + " ms");
            }
            if (zeroAllowed && value.isZero()) {
                return;
            }
            if (value.compareTo(min) < 0) {
                String why = field.equals("fleetCheckInterval") || field.equals("peakWindow") ? "" : "HikariCP's minimum";
                String off = zeroAllowed ? "0 turns it off" : "";
                String note = why.isEmpty() || off.isEmpty() ? why + off : why + "; " + off;
                throw invalid(field, variable, "must be ≥ " + min.toMillis() + " ms" + (note.isEmpty() ? "" : " (" + note + ")")
                        + ", got " + value.toMillis() + " ms");
            }
        }

        private static void atMost(String field, String variable, Duration value, Duration max) {
            if (value.compareTo(max) > 0) {
                throw invalid(field, variable, "must be at most " + max.toMillis() + " ms, got " + value.toMillis() + " ms");
            }
        }

        private static IllegalArgumentException invalid(String field, String variable, String problem) {
            return new IllegalArgumentException(field + " (" + variable + ") " + problem);
        }
    }
}
