package dev.bulwark.pool;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.bulwark.core.internal.Threads;
import dev.bulwark.pool.internal.ExhaustionTracker;
import dev.bulwark.pool.internal.LeakDetector;
import dev.bulwark.pool.internal.LeakTrackingDataSource;
import dev.bulwark.pool.internal.UsageTrackerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HikariCP pool built from {@link PoolSettings}, and the monitor watching it. The pool is a
 * plain {@link HikariDataSource} ({@link #dataSource()}); the monitor reads Hikari's pool
 * MXBean and dropwizard metrics tracker, samples the pool off the connection path, and derives
 * utilisation, peak, waiters, acquire-time percentiles, timeouts, exhaustion events and leak
 * suspicions.
 *
 * <pre>{@code
 * MetricRegistry metrics = new MetricRegistry();
 * HealthCheckRegistry health = new HealthCheckRegistry();
 * ConnectionPoolMonitor pool = ConnectionPoolMonitor.start(PoolSettings.fromEnvironment(), metrics, health);
 * HikariDataSource dataSource = pool.dataSource();   // use as any DataSource
 * String json = pool.health().toJson();              // GET /health/db_pool
 * }</pre>
 *
 * <p>Metrics registered in the given registry: Hikari's own {@code <pool>.pool.*} (Wait, Usage,
 * ConnectionCreation, ConnectionTimeoutRate, Total/Idle/Active/Pending/Max/MinConnections) and
 * ours under {@code bulwark.pool.<pool>.*}: {@code utilisation}, {@code peak_active}, {@code peak_pending},
 * {@code exhausted}, {@code exhaustion.events}, {@code exhaustion.seconds},
 * {@code leak.suspicions}, {@code acquire.timeouts}. The health check is registered as
 * {@code bulwark.pool.<pool>}.
 */
public final class ConnectionPoolMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPoolMonitor.class);

    private final PoolSettings settings;
    private final MetricRegistry registry;
    private final HealthCheckRegistry healthChecks;
    private final Clock clock;
    private final UsageTrackerFactory usage;
    private final ExhaustionTracker exhaustion = new ExhaustionTracker();
    private final ScheduledExecutorService scheduler;
    private final LeakDetector leaks;
    private final HikariDataSource dataSource;
    private final Counter exhaustionEvents = new Counter();
    private final java.util.concurrent.atomic.AtomicInteger peakPending = new java.util.concurrent.atomic.AtomicInteger();
    private final String prefix;
    private final HealthCheck healthCheck = new PoolHealthCheck();
    private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ConnectionPoolMonitor(PoolSettings settings, MetricRegistry registry, HealthCheckRegistry healthChecks,
            Clock clock) {
        this.settings = settings;
        this.registry = registry;
        this.healthChecks = healthChecks;
        this.clock = clock;
        this.prefix = "bulwark.pool." + settings.poolName();
        this.usage = new UsageTrackerFactory(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("bulwark-pool-monitor-" + settings.poolName()));
        HikariConfig config = hikariConfig(settings, usage);
        if (settings.leakDetection().isZero()) {
            this.leaks = null;
            this.dataSource = new HikariDataSource(config);
        } else {
            this.leaks = new LeakDetector(settings.poolName(), settings.leakDetection(), scheduler, clock);
            this.dataSource = new LeakTrackingDataSource(config, leaks);
        }
    }

    /**
     * Starts a pool and its monitor, registering metrics and no health check.
     *
     * @param settings the pool's settings
     * @param registry where pool metrics go
     * @return the running pool and monitor
     */
    public static ConnectionPoolMonitor start(PoolSettings settings, MetricRegistry registry) {
        return start(settings, registry, null, Clock.systemUTC());
    }

    /**
     * Starts a pool and its monitor, registering metrics and the health check.
     *
     * @param settings the pool's settings
     * @param registry where pool metrics go
     * @param healthChecks where the health check {@code bulwark.pool.<name>} goes
     * @return the running pool and monitor
     */
    public static ConnectionPoolMonitor start(PoolSettings settings, MetricRegistry registry,
            HealthCheckRegistry healthChecks) {
        return start(settings, registry, healthChecks, Clock.systemUTC());
    }

    /**
     * Starts a pool and its monitor. The pool opens its first connection now (HikariCP's
     * fail-fast start): an unreachable database fails here with Hikari's exception.
     *
     * @param settings the pool's settings
     * @param registry where pool metrics go
     * @param healthChecks where the health check goes; null for none
     * @param clock time source for event timestamps
     * @return the running pool and monitor
     * @throws IllegalStateException when the embedded default is asked for but H2 is not on the classpath
     */
    public static ConnectionPoolMonitor start(PoolSettings settings, MetricRegistry registry,
            HealthCheckRegistry healthChecks, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
        if (settings.embedded()) {
            requireH2();
            LOG.info("DB_URL is not set: using the embedded H2 file database at {}", settings.embeddedPath().toAbsolutePath());
        }
        if (!settings.prePing()) {
            LOG.warn("DB_POOL_PRE_PING=false has no effect: HikariCP always validates connections idle for more "
                    + "than 500 ms before handing them out (JVM-wide setting com.zaxxer.hikari.aliveBypassWindowMs)");
        }
        ConnectionPoolMonitor monitor = new ConnectionPoolMonitor(settings, registry, healthChecks, clock);
        try {
            monitor.begin();
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
        return monitor;
    }

    private void begin() {
        registry.register(prefix + ".utilisation", (Gauge<Double>) this::utilisation);
        registry.register(prefix + ".peak_active", (Gauge<Integer>) usage::peak);
        registry.register(prefix + ".peak_pending", (Gauge<Integer>) peakPending::get);
        registry.register(prefix + ".exhausted", (Gauge<Integer>) () -> exhaustion.state(clock.instant()).exhausted() ? 1 : 0);
        registry.register(prefix + ".exhaustion.events", exhaustionEvents);
        registry.register(prefix + ".exhaustion.seconds",
                (Gauge<Double>) () -> exhaustion.state(clock.instant()).total().toMillis() / 1000.0);
        registry.register(prefix + ".leak.suspicions", (Gauge<Long>) () -> leaks == null ? 0L : leaks.suspicions());
        registry.register(prefix + ".acquire.timeouts", (Gauge<Long>) usage::timeouts);
        if (healthChecks != null) {
            healthChecks.register(prefix, healthCheck);
        }
        warnIfAboveServerLimit();
        long interval = settings.sampleInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::sampleQuietly, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info("Pool {} started: {} steady + {} overflow = {} max connections, acquire timeout {} ms, url {}",
                settings.poolName(), settings.poolSize(), settings.maxOverflow(), settings.maximumPoolSize(),
                settings.acquireTimeout().toMillis(), settings.redactedUrl());
    }

    private static HikariConfig hikariConfig(PoolSettings s, UsageTrackerFactory usage) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(s.poolName());
        c.setJdbcUrl(s.effectiveUrl());
        c.setUsername(s.user());
        c.setPassword(s.password());
        c.setMinimumIdle(s.poolSize());
        c.setMaximumPoolSize(s.maximumPoolSize());
        c.setConnectionTimeout(s.acquireTimeout().toMillis());
        c.setMaxLifetime(s.maxLifetime().toMillis());
        c.setIdleTimeout(s.idleTimeout().toMillis());
        c.setKeepaliveTime(s.keepalive().toMillis());
        c.setValidationTimeout(s.validationTimeout().toMillis());
        c.setMetricsTrackerFactory(usage);
        return c;
    }

    private static void requireH2() {
        try {
            Class.forName("org.h2.Driver", false, ConnectionPoolMonitor.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("DB_URL is not set, so the embedded H2 database would be used, but "
                    + "com.h2database:h2 is not on the classpath: add that dependency, or set DB_URL", e);
        }
    }

    private void warnIfAboveServerLimit() {
        if (!settings.effectiveUrl().startsWith("jdbc:postgresql:")) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('max_connections')::int, "
                        + "current_setting('superuser_reserved_connections')::int")) {
            if (rs.next()) {
                int available = rs.getInt(1) - rs.getInt(2);
                if (settings.maximumPoolSize() > available) {
                    warnings.add("DB_POOL_SIZE + DB_MAX_OVERFLOW = " + settings.maximumPoolSize() + " exceeds the "
                            + available + " connections PostgreSQL allows non-superusers (max_connections "
                            + rs.getInt(1) + " - superuser_reserved_connections " + rs.getInt(2) + ")");
                    LOG.warn("Pool {}: DB_POOL_SIZE + DB_MAX_OVERFLOW = {} exceeds the {} connections PostgreSQL "
                            + "allows non-superusers (max_connections {} - superuser_reserved_connections {}); "
                            + "under load getConnection() will fail. Lower DB_MAX_OVERFLOW or raise max_connections.",
                            settings.poolName(), settings.maximumPoolSize(), available, rs.getInt(1), rs.getInt(2));
                }
            }
        } catch (SQLException e) {
            LOG.warn("Pool {}: could not read PostgreSQL's max_connections to check the pool size: {}",
                    settings.poolName(), e.getMessage());
        }
    }

    /**
     * Problems found at start that did not stop the pool, such as a maximum size above what
     * PostgreSQL's {@code max_connections} allows. Also in {@link PoolHealth#warnings()}.
     *
     * @return the warnings, empty when none
     */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The pool: a plain, running {@link HikariDataSource}. */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** The settings this pool was built from. */
    public PoolSettings settings() {
        return settings;
    }

    /** The dropwizard health check: healthy (status detail HEALTHY or DEGRADED) or unhealthy. */
    public HealthCheck healthCheck() {
        return healthCheck;
    }

    /**
     * Samples the pool now (the monitor also does this every {@link PoolSettings#sampleInterval()}).
     * Exposed for tests and for callers that want a fresh reading before {@link #health()}.
     */
    public void sample() {
        HikariPoolMXBean mx = dataSource.getHikariPoolMXBean();
        if (mx == null) {
            return;
        }
        int active = mx.getActiveConnections();
        int pending = mx.getThreadsAwaitingConnection();
        peakPending.accumulateAndGet(pending, Math::max);
        boolean exhausted = active >= settings.maximumPoolSize() && pending > 0;
        if (exhaustion.observe(exhausted, clock.instant())) {
            exhaustionEvents.inc();
            LOG.warn("Pool {} exhausted: all {} connections in use and {} thread(s) waiting",
                    settings.poolName(), active, pending);
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.debug("Pool {}: sampling failed: {}", settings.poolName(), e.toString());
        }
    }

    private double utilisation() {
        HikariPoolMXBean mx = dataSource.getHikariPoolMXBean();
        return mx == null ? 0 : (double) mx.getActiveConnections() / settings.maximumPoolSize();
    }

    /**
     * A snapshot of the pool, without touching the database. Status: unhealthy when exhausted for
     * longer than {@link PoolSettings#unhealthyAfterExhausted()}; degraded when exhausted, threads
     * are waiting, or utilisation is above {@link PoolSettings#degradedUtilisation()}.
     *
     * @return the snapshot
     */
    public PoolHealth health() {
        return snapshot(null);
    }

    /**
     * Like {@link #health()}, and also borrows a connection and validates it, unless the pool is
     * exhausted (then the exhaustion rules decide). Failing to get a valid connection within the
     * acquire timeout makes the pool unhealthy. Used by {@link #healthCheck()}.
     *
     * @return the snapshot
     */
    public PoolHealth check() {
        String probeFailure = null;
        if (!exhaustion.state(clock.instant()).exhausted()) {
            try (Connection c = dataSource.getConnection()) {
                if (!c.isValid((int) Math.max(1, settings.validationTimeout().toSeconds()))) {
                    probeFailure = "a borrowed connection failed validation";
                }
            } catch (SQLException e) {
                probeFailure = "cannot get a connection within " + settings.acquireTimeout().toMillis() + " ms: "
                        + e.getMessage();
            }
        }
        return snapshot(probeFailure);
    }

    private PoolHealth snapshot(String probeFailure) {
        Instant now = clock.instant();
        HikariPoolMXBean mx = dataSource.getHikariPoolMXBean();
        int active = mx == null ? 0 : mx.getActiveConnections();
        int idle = mx == null ? 0 : mx.getIdleConnections();
        int total = mx == null ? 0 : mx.getTotalConnections();
        int pending = mx == null ? 0 : mx.getThreadsAwaitingConnection();
        int max = settings.maximumPoolSize();
        double utilisation = (double) active / max;
        ExhaustionTracker.State ex = exhaustion.state(now);

        List<String> reasons = new ArrayList<>();
        PoolHealth.Status status = PoolHealth.Status.HEALTHY;
        if (probeFailure != null) {
            reasons.add(probeFailure);
            status = PoolHealth.Status.UNHEALTHY;
        }
        if (dataSource.isClosed()) {
            reasons.add("the pool is closed");
            status = PoolHealth.Status.UNHEALTHY;
        }
        if (ex.exhausted()) {
            boolean tooLong = ex.currentFor().compareTo(settings.unhealthyAfterExhausted()) >= 0;
            reasons.add("exhausted for " + ex.currentFor().toMillis() + " ms (unhealthy after "
                    + settings.unhealthyAfterExhausted().toMillis() + " ms)");
            status = worst(status, tooLong ? PoolHealth.Status.UNHEALTHY : PoolHealth.Status.DEGRADED);
        }
        if (pending > 0 && !ex.exhausted()) {
            reasons.add(pending + " thread(s) waiting for a connection");
            status = worst(status, PoolHealth.Status.DEGRADED);
        }
        if (utilisation > settings.degradedUtilisation()) {
            reasons.add(String.format(java.util.Locale.ROOT, "utilisation %.2f above %.2f", utilisation,
                    settings.degradedUtilisation()));
            status = worst(status, PoolHealth.Status.DEGRADED);
        }

        List<PoolHealth.Leak> recentLeaks = new ArrayList<>();
        if (leaks != null) {
            for (LeakDetector.Suspicion s : leaks.recent()) {
                recentLeaks.add(new PoolHealth.Leak(s.thread(), s.borrowedAt().toString(), s.thresholdMs(), s.stack()));
            }
        }
        return new PoolHealth(status, reasons, settings.poolName(), now.toString(), settings.poolSize(), max, total,
                active, idle, pending, utilisation, usage.peak(), peakPending.get(), usage.timeouts(), acquireTimes(),
                new PoolHealth.Exhaustion(ex.events(), ex.exhausted(), ex.currentFor().toMillis(),
                        ex.lastStart() == null ? null : ex.lastStart().toString(),
                        ex.lastEnd() == null ? null : ex.lastEnd().toString(),
                        ex.lastDuration().toMillis(), ex.total().toMillis()),
                new PoolHealth.Leaks(leaks != null, leaks == null ? 0 : leaks.suspicions(), recentLeaks),
                List.copyOf(warnings), settings.describe());
    }

    private PoolHealth.AcquireTimes acquireTimes() {
        Timer timer = usage.acquireTimer();
        if (timer == null) {
            return new PoolHealth.AcquireTimes(0, 0, 0, 0, 0);
        }
        Snapshot s = timer.getSnapshot();
        double ms = 1_000_000.0;
        return new PoolHealth.AcquireTimes(timer.getCount(), s.getMedian() / ms, s.get95thPercentile() / ms,
                s.get99thPercentile() / ms, s.getMax() / ms);
    }

    private static PoolHealth.Status worst(PoolHealth.Status a, PoolHealth.Status b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Stops sampling, closes the pool and removes this pool's metrics and health check. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        if (dataSource != null) {
            dataSource.close();
        }
        registry.removeMatching((name, metric) -> name.startsWith(prefix + ".")
                || name.startsWith(settings.poolName() + ".pool."));
        if (healthChecks != null) {
            healthChecks.unregister(prefix);
        }
    }

    private final class PoolHealthCheck extends HealthCheck {
        @Override
        protected Result check() {
            PoolHealth h = ConnectionPoolMonitor.this.check();
            ResultBuilder b = h.status() == PoolHealth.Status.UNHEALTHY ? Result.builder().unhealthy()
                    : Result.builder().healthy();
            return b.withMessage(h.reasons().isEmpty() ? "ok" : String.join("; ", h.reasons()))
                    .withDetail("status", h.status().name())
                    .withDetail("active", h.active())
                    .withDetail("pending", h.pending())
                    .withDetail("maximumPoolSize", h.maximumPoolSize())
                    .build();
        }
    }
}
