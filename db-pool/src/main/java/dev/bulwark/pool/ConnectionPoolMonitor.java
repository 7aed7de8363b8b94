package dev.bulwark.pool;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import dev.bulwark.core.internal.Threads;
import dev.bulwark.pool.internal.ExhaustionTracker;
import dev.bulwark.pool.internal.FleetCheck;
import dev.bulwark.pool.internal.LeakDetector;
import dev.bulwark.pool.internal.LeakTrackingDataSource;
import dev.bulwark.pool.internal.OverflowPlanner;
import dev.bulwark.pool.internal.PoolTracker;
import dev.bulwark.pool.internal.SummaryTimer;
import dev.bulwark.pool.internal.WindowMax;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HikariCP pool built from {@link PoolSettings}, and the monitor watching and steering it. The
 * pool is a plain {@link HikariDataSource} ({@link #dataSource()}); the monitor samples it off the
 * connection path every {@link PoolSettings#sampleInterval()} and derives utilisation, peaks,
 * waiters, acquire-time percentiles, timeouts, exhaustion events and leak suspicions.
 *
 * <p><b>Overflow, SQLAlchemy's way.</b> HikariCP's {@code minimumIdle} means <i>spare idle</i>
 * connections, so on its own a pool with {@code minimumIdle = DB_POOL_SIZE} holds
 * {@code active + DB_POOL_SIZE} under load. The monitor instead keeps {@code minimumIdle} at
 * {@code max(0, DB_POOL_SIZE - active)} (lowered at once on the borrow that needs it, raised at the
 * next sample), so the pool holds {@code max(active, DB_POOL_SIZE)}; and it closes idle connections
 * above {@code DB_POOL_SIZE} once they have not been needed for {@link PoolSettings#overflowIdle()}
 * (it borrows each such idle connection on its own thread and evicts it; those borrows are not
 * counted in the metrics). HikariCP's own idle retirement runs only every 30 s and refuses
 * timeouts below 10 s, too coarse for this.
 *
 * <p><b>Fleet budget.</b> On PostgreSQL every connection carries
 * {@code application_name = <pool>:<maximum>:<instance>}; every
 * {@link PoolSettings#fleetCheckInterval()} the monitor reads the server's {@code max_connections}
 * and reserved slots and the connections of every replica of this pool, and reports when the
 * replicas' maximums together exceed what the server allows.
 *
 * <pre>{@code
 * MetricRegistry metrics = new MetricRegistry();
 * HealthCheckRegistry health = new HealthCheckRegistry();
 * ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(PoolSettings.fromEnvironment(), metrics, health);
 * HikariDataSource dataSource = pool.dataSource();   // use as any DataSource
 * String json = pool.health().toJson();              // GET /health/db_pool
 * }</pre>
 *
 * <p>Metrics registered in the given registry: the dropwizard series HikariCP's own tracker uses,
 * {@code <pool>.pool.*} (Wait, Usage and ConnectionCreation timers, ConnectionTimeoutRate,
 * Total/Idle/Active/Pending/Max/MinConnections), and ours under {@code bulwark.pool.<pool>.*}
 * (see the module README and {@link PoolPrometheus}). The health check is registered as
 * {@code bulwark.pool.<pool>}.
 */
public final class ConnectionPoolMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPoolMonitor.class);

    private final PoolSettings settings;
    private final MetricRegistry registry;
    private final HealthCheckRegistry healthChecks;
    private final Clock clock;
    private final PoolTracker tracker;
    private final ExhaustionTracker exhaustion = new ExhaustionTracker();
    private final ScheduledExecutorService scheduler;
    private final LeakDetector leaks;
    private final HikariDataSource dataSource;
    private final Counter exhaustionEvents = new Counter();
    private final Counter overflowRetired = new Counter();
    private final WindowMax peakActive;
    private final WindowMax peakPending;
    private final OverflowPlanner planner;
    private final FleetCheck fleetCheck;
    private final String prefix;
    private final HealthCheck healthCheck = new PoolHealthCheck();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private volatile FleetCheck.Result fleet;
    private volatile Thread monitorThread;
    private int minimumIdleSet = -1;
    private long nextFleetCheck;
    private boolean fleetOvercommitLogged;

    private ConnectionPoolMonitor(PoolSettings settings, MetricRegistry registry, HealthCheckRegistry healthChecks,
            Clock clock, ThreadFactory threadFactory) {
        this.settings = settings;
        this.registry = registry;
        this.healthChecks = healthChecks;
        this.clock = clock;
        this.prefix = "bulwark.pool." + settings.poolName();
        long now = clock.millis();
        long window = settings.peakWindow().toMillis();
        this.tracker = new PoolTracker(settings.poolSize(), settings.maximumPoolSize(), window, now);
        this.peakActive = new WindowMax(window, now);
        this.peakPending = new WindowMax(window, now);
        this.planner = new OverflowPlanner(settings.poolSize(), settings.maximumPoolSize(), settings.overflowIdle());
        this.fleetCheck = postgres(settings) && !settings.fleetCheckInterval().isZero()
                ? new FleetCheck(settings.poolName(), settings.maximumPoolSize()) : null;
        ThreadFactory threads = threadFactory != null ? threadFactory
                : Threads.daemon("bulwark-pool-monitor-" + settings.poolName());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = threads.newThread(task);
            monitorThread = t;
            tracker.monitorThread(t);
            return t;
        });
        HikariConfig config = hikariConfig(settings, tracker);
        if (settings.leakDetection().isZero()) {
            this.leaks = null;
            this.dataSource = new HikariDataSource(config);
        } else {
            this.leaks = new LeakDetector(settings.poolName(), settings.leakDetection(), scheduler, clock);
            this.dataSource = new LeakTrackingDataSource(config, leaks);
        }
        HikariDataSource ds = dataSource;
        tracker.attach(ds::setMinimumIdle, () -> {
            HikariPoolMXBean mx = ds.getHikariPoolMXBean();
            return mx == null ? 0 : mx.getTotalConnections();
        });
    }

    private static boolean postgres(PoolSettings settings) {
        return settings.effectiveUrl().startsWith("jdbc:postgresql:");
    }

    /**
     * Starts a pool and its monitor, registering its metrics and no health check.
     *
     * @param settings the pool's settings
     * @param metrics where pool metrics go
     * @return the running pool and monitor
     */
    public static ConnectionPoolMonitor create(PoolSettings settings, MetricRegistry metrics) {
        return builder(settings, metrics).build();
    }

    /**
     * Starts a pool and its monitor, registering its metrics and its health check
     * ({@code bulwark.pool.<name>}).
     *
     * @param settings the pool's settings
     * @param metrics where pool metrics go
     * @param healthChecks where the health check goes
     * @return the running pool and monitor
     */
    public static ConnectionPoolMonitor create(PoolSettings settings, MetricRegistry metrics,
            HealthCheckRegistry healthChecks) {
        return builder(settings, metrics).healthChecks(healthChecks).build();
    }

    /**
     * A builder, for a clock, a thread factory or a health check registry.
     *
     * @param settings the pool's settings
     * @param metrics where pool metrics go
     * @return a builder; {@link Builder#build()} starts the pool
     */
    public static Builder builder(PoolSettings settings, MetricRegistry metrics) {
        return new Builder(settings, metrics);
    }

    /** Builds and starts a {@link ConnectionPoolMonitor}. */
    public static final class Builder {
        private final PoolSettings settings;
        private final MetricRegistry metrics;
        private HealthCheckRegistry healthChecks;
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory;

        private Builder(PoolSettings settings, MetricRegistry metrics) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.metrics = Objects.requireNonNull(metrics, "metrics");
        }

        /**
         * Registers the pool's health check ({@code bulwark.pool.<name>}) there; removed on close.
         *
         * @param registry the service's health check registry
         * @return this builder
         */
        public Builder healthChecks(HealthCheckRegistry registry) {
            this.healthChecks = Objects.requireNonNull(registry, "healthChecks");
            return this;
        }

        /**
         * The time source for event timestamps, windows and the overflow idle time (default UTC).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where the monitor's one thread comes from (default: a daemon thread named
         * {@code bulwark-pool-monitor-<name>}).
         *
         * @param factory the thread factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * Starts the pool and its monitor. The pool opens its first connection now (HikariCP's
         * fail-fast start): an unreachable database fails here with Hikari's exception.
         *
         * @return the running pool and monitor
         * @throws IllegalStateException when the embedded default is asked for but H2 is not on the classpath
         */
        public ConnectionPoolMonitor build() {
            if (settings.embedded()) {
                requireH2();
                LOG.info("DB_URL is not set: using the embedded H2 file database at {}",
                        settings.embeddedPath().toAbsolutePath());
            }
            if (!settings.prePing()) {
                LOG.warn("DB_POOL_PRE_PING=false has no effect: HikariCP always validates connections idle for more "
                        + "than 500 ms before handing them out (JVM-wide setting com.zaxxer.hikari.aliveBypassWindowMs)");
            }
            ConnectionPoolMonitor monitor = new ConnectionPoolMonitor(settings, metrics, healthChecks, clock, threadFactory);
            try {
                monitor.begin();
            } catch (RuntimeException e) {
                monitor.close();
                throw e;
            }
            return monitor;
        }
    }

    private void begin() {
        String p = settings.poolName() + ".pool.";
        registry.register(p + "TotalConnections", (Gauge<Integer>) () -> poolFigure(HikariPoolMXBean::getTotalConnections));
        registry.register(p + "IdleConnections", (Gauge<Integer>) () -> poolFigure(HikariPoolMXBean::getIdleConnections));
        registry.register(p + "ActiveConnections", (Gauge<Integer>) () -> poolFigure(HikariPoolMXBean::getActiveConnections));
        registry.register(p + "PendingConnections",
                (Gauge<Integer>) () -> poolFigure(HikariPoolMXBean::getThreadsAwaitingConnection));
        registry.register(p + "MaxConnections", (Gauge<Integer>) settings::maximumPoolSize);
        registry.register(p + "MinConnections", (Gauge<Integer>) settings::poolSize);
        tracker.register(registry, settings.poolName());
        registry.register(prefix + ".utilisation", (Gauge<Double>) this::utilisation);
        registry.register(prefix + ".peak_active", (Gauge<Integer>) this::peakActive);
        registry.register(prefix + ".peak_pending", (Gauge<Long>) peakPending::get);
        registry.register(prefix + ".exhausted", (Gauge<Integer>) () -> exhaustion.state(clock.instant()).exhausted() ? 1 : 0);
        registry.register(prefix + ".exhaustion.events", exhaustionEvents);
        registry.register(prefix + ".exhaustion.seconds",
                (Gauge<Double>) () -> exhaustion.state(clock.instant()).total().toMillis() / 1000.0);
        registry.register(prefix + ".leak.suspicions", leaks == null ? new Counter() : leaks.counter());
        registry.register(prefix + ".acquire.timeouts", tracker.timeouts());
        registry.register(prefix + ".overflow.active",
                (Gauge<Integer>) () -> Math.max(0, poolFigure(HikariPoolMXBean::getActiveConnections) - settings.poolSize()));
        registry.register(prefix + ".overflow.open",
                (Gauge<Integer>) () -> Math.max(0, poolFigure(HikariPoolMXBean::getTotalConnections) - settings.poolSize()));
        registry.register(prefix + ".overflow.opened", tracker.overflowOpened());
        registry.register(prefix + ".overflow.retired", overflowRetired);
        registry.register(prefix + ".fleet.connections", (Gauge<Integer>) () -> fleet == null ? null : fleet.connections());
        registry.register(prefix + ".fleet.max_connections",
                (Gauge<Integer>) () -> fleet == null ? null : fleet.replicasMaximum());
        registry.register(prefix + ".fleet.replicas", (Gauge<Integer>) () -> fleet == null ? null : fleet.replicas());
        registry.register(prefix + ".server.connections",
                (Gauge<Integer>) () -> fleet == null ? null : fleet.serverConnections());
        registry.register(prefix + ".server.limit", (Gauge<Integer>) () -> fleet == null ? null : fleet.limit());
        if (healthChecks != null) {
            healthChecks.register(prefix, healthCheck);
        }
        if (settings.url().map(u -> u.toLowerCase(Locale.ROOT).contains("applicationname=")).orElse(false)) {
            warnings.add("DB_URL sets ApplicationName, which replaces the pool's own (" + settings.applicationName()
                    + "): the replicas' connections cannot be counted together; remove it from DB_URL");
            LOG.warn("Pool {}: {}", settings.poolName(), warnings.get(warnings.size() - 1));
        }
        // The first sample (and fleet check) runs on the monitor thread before start returns, so
        // its borrows are not counted and the server's limit is known at once.
        runOnMonitor(() -> {
            checkFleet(true);
            sampleNow();
        });
        long interval = settings.sampleInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::sampleQuietly, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info("Pool {} started: {} at rest + up to {} overflow = {} max connections (overflow closed after {} ms "
                + "idle), acquire timeout {} ms, application_name {}, url {}", settings.poolName(), settings.poolSize(),
                settings.maxOverflow(), settings.maximumPoolSize(), settings.overflowIdle().toMillis(),
                settings.acquireTimeout().toMillis(), settings.applicationName(), settings.redactedUrl());
    }

    private int poolFigure(java.util.function.ToIntFunction<HikariPoolMXBean> figure) {
        HikariPoolMXBean mx = dataSource.getHikariPoolMXBean();
        return mx == null ? 0 : figure.applyAsInt(mx);
    }

    private static HikariConfig hikariConfig(PoolSettings s, PoolTracker tracker) {
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
        c.setMetricsTrackerFactory(tracker);
        if (postgres(s)) {
            c.addDataSourceProperty("ApplicationName", s.applicationName());
        }
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

    private void runOnMonitor(Runnable task) {
        try {
            scheduler.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * Problems that do not stop the pool: a maximum size above what PostgreSQL's
     * {@code max_connections} allows (found at start), or the replicas of this pool together able
     * to open more connections than the server allows (found by the fleet check). Also in
     * {@link PoolHealth#warnings()}.
     *
     * @return the warnings, empty when none
     */
    public List<String> warnings() {
        List<String> all = new ArrayList<>(warnings);
        FleetCheck.Result f = fleet;
        if (f != null && f.overcommitted() && f.replicas() > 1) {
            all.add(String.format(Locale.ROOT, "the %d replicas of pool %s may open %d connections together, more than "
                    + "the %d PostgreSQL allows (max_connections %d - %d reserved); they hold %d of the server's %d now",
                    f.replicas(), settings.poolName(), f.replicasMaximum(), f.limit(), f.maxConnections(), f.reserved(),
                    f.connections(), f.serverConnections()));
        }
        return List.copyOf(all);
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
     * Samples and steers the pool now, on the monitor's thread (the monitor also does this every
     * {@link PoolSettings#sampleInterval()}), and waits for it. Exposed for tests and for callers
     * that want a fresh reading before {@link #health()}.
     */
    public void sample() {
        runOnMonitor(this::sampleNow);
    }

    private void sampleNow() {
        HikariPoolMXBean mx = dataSource.getHikariPoolMXBean();
        if (mx == null || dataSource.isClosed()) {
            return;
        }
        Instant now = clock.instant();
        long nowMillis = now.toEpochMilli();
        int active = mx.getActiveConnections();
        int pending = mx.getThreadsAwaitingConnection();
        int high = Math.max(tracker.takeHighSinceSample(), active);
        peakActive.rotate(nowMillis);
        peakPending.rotate(nowMillis);
        peakActive.record(high);
        peakPending.record(pending);
        for (SummaryTimer t : List.of(tracker.acquire(), tracker.usage(), tracker.creation())) {
            t.windowMax().rotate(nowMillis);
            t.syncRates();
        }
        boolean exhausted = active >= settings.maximumPoolSize() && pending > 0;
        if (exhaustion.observe(exhausted, now)) {
            exhaustionEvents.inc();
            LOG.warn("Pool {} exhausted: all {} connections in use and {} thread(s) waiting",
                    settings.poolName(), active, pending);
        }
        steer(mx, now, high, active, pending);
        checkFleet(false);
    }

    /** Keeps the pool at max(active, size) connections and closes overflow idle for overflowIdle. */
    private void steer(HikariPoolMXBean mx, Instant now, int high, int active, int pending) {
        int target = planner.target(now, Math.max(high, active + pending));
        int minimumIdle = planner.minimumIdle(active);
        tracker.minimumIdleSetFor(active);
        if (minimumIdle != minimumIdleSet || dataSource.getMinimumIdle() != minimumIdle) {
            dataSource.setMinimumIdle(minimumIdle);
            minimumIdleSet = minimumIdle;
        }
        int excess = mx.getTotalConnections() - target;
        if (excess <= 0 || pending > 0 || !(mx instanceof HikariPool)) {
            return;
        }
        HikariPool pool = (HikariPool) mx;
        int retired = 0;
        while (retired < excess && mx.getIdleConnections() > 0 && mx.getThreadsAwaitingConnection() == 0) {
            Connection c;
            try {
                // No wait: if the idle connection was just taken, the burst is back and nothing is retired.
                c = pool.getConnection(0);
            } catch (SQLException e) {
                break;
            }
            dataSource.evictConnection(c);
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("Pool {}: closing an evicted connection: {}", settings.poolName(), e.toString());
            }
            retired++;
        }
        if (retired > 0) {
            overflowRetired.inc(retired);
            LOG.debug("Pool {}: closed {} idle overflow connection(s), {} open", settings.poolName(), retired,
                    mx.getTotalConnections());
        }
    }

    private void checkFleet(boolean atStart) {
        if (fleetCheck == null) {
            return;
        }
        long now = clock.millis();
        if (!atStart && now < nextFleetCheck) {
            return;
        }
        HikariPoolMXBean mx = dataSource.getHikariPoolMXBean();
        if (!(mx instanceof HikariPool) || !atStart && (mx.getThreadsAwaitingConnection() > 0
                || mx.getIdleConnections() == 0 && mx.getTotalConnections() >= settings.maximumPoolSize())) {
            return;  // the application is waiting for connections: try again at the next sample
        }
        nextFleetCheck = now + settings.fleetCheckInterval().toMillis();
        // An idle connection of the pool if there is one; else a short-lived connection of its own,
        // so the check never waits in the pool's queue (nor shows up in its pending count).
        try (Connection c = atStart ? ((HikariPool) mx).getConnection(settings.acquireTimeout().toMillis())
                : mx.getIdleConnections() > 0 ? ((HikariPool) mx).getConnection(0) : directConnection()) {
            FleetCheck.Result result = fleetCheck.run(c, now);
            fleet = result;
            if (atStart && settings.maximumPoolSize() > result.limit()) {
                warnings.add("DB_POOL_SIZE + DB_MAX_OVERFLOW = " + settings.maximumPoolSize() + " exceeds the "
                        + result.limit() + " connections PostgreSQL allows non-superusers (max_connections "
                        + result.maxConnections() + " - reserved " + result.reserved() + ")");
                LOG.warn("Pool {}: DB_POOL_SIZE + DB_MAX_OVERFLOW = {} exceeds the {} connections PostgreSQL "
                        + "allows non-superusers (max_connections {} - reserved {}); under load getConnection() will "
                        + "fail. Lower DB_MAX_OVERFLOW or raise max_connections.", settings.poolName(),
                        settings.maximumPoolSize(), result.limit(), result.maxConnections(), result.reserved());
            }
            boolean overcommitted = result.overcommitted() && result.replicas() > 1;
            if (overcommitted && !fleetOvercommitLogged) {
                LOG.warn("Pool {}: {} replicas may open {} connections together, more than the {} PostgreSQL allows; "
                        + "lower DB_POOL_SIZE/DB_MAX_OVERFLOW per replica or raise max_connections",
                        settings.poolName(), result.replicas(), result.replicasMaximum(), result.limit());
            }
            fleetOvercommitLogged = overcommitted;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Pool {}: could not read PostgreSQL's connection limit and the replicas' connections: {}",
                    settings.poolName(), e.getMessage());
        }
    }

    private Connection directConnection() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        // Not named like the pool's connections: the pool's own count on the server stays within its maximum.
        props.setProperty("ApplicationName", FleetCheck.checkName(settings.poolName(), settings.instance()));
        props.setProperty("connectTimeout", String.valueOf(Math.max(1, settings.validationTimeout().toSeconds())));
        return java.sql.DriverManager.getConnection(settings.effectiveUrl(), props);
    }

    private void sampleQuietly() {
        try {
            sampleNow();
        } catch (RuntimeException e) {
            LOG.debug("Pool {}: sampling failed: {}", settings.poolName(), e.toString());
        }
    }

    private int peakActive() {
        return (int) Math.max(peakActive.get(), tracker.highSinceSample());
    }

    private double utilisation() {
        return (double) poolFigure(HikariPoolMXBean::getActiveConnections) / settings.maximumPoolSize();
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
            reasons.add(String.format(Locale.ROOT, "utilisation %.2f above %.2f", utilisation,
                    settings.degradedUtilisation()));
            status = worst(status, PoolHealth.Status.DEGRADED);
        }
        FleetCheck.Result f = fleet;
        if (f != null && f.overcommitted() && f.serverNearLimit()) {
            reasons.add(String.format(Locale.ROOT, "PostgreSQL holds %d of the %d connections it allows (within 10 %% of "
                    + "its limit) while the %d replica(s) of this pool may open %d", f.serverConnections(), f.limit(),
                    f.replicas(), f.replicasMaximum()));
            status = worst(status, PoolHealth.Status.DEGRADED);
        }

        List<PoolHealth.Leak> recentLeaks = new ArrayList<>();
        if (leaks != null) {
            for (LeakDetector.Suspicion s : leaks.recent()) {
                recentLeaks.add(new PoolHealth.Leak(s.thread(), s.borrowedAt().toString(), s.thresholdMs(), s.stack()));
            }
        }
        int size = settings.poolSize();
        PoolHealth.Overflow overflow = new PoolHealth.Overflow(Math.max(0, active - size), Math.max(0, total - size),
                tracker.overflowOpened().getCount(), overflowRetired.getCount(), settings.overflowIdle().toMillis());
        PoolHealth.Fleet fleetHealth = f == null ? null : new PoolHealth.Fleet(settings.applicationName(), f.replicas(),
                f.connections(), f.replicasMaximum(), f.serverConnections(), f.limit(), f.maxConnections(), f.reserved(),
                Instant.ofEpochMilli(f.checkedAtMillis()).toString());
        return new PoolHealth(status, reasons, settings.poolName(), settings.instance(), now.toString(), size, max, total,
                active, idle, pending, utilisation, peakActive(),
                (int) peakPending.get(), tracker.timeouts().getCount(), acquireTimes(),
                new PoolHealth.Exhaustion(ex.events(), ex.exhausted(), ex.currentFor().toMillis(),
                        ex.lastStart() == null ? null : ex.lastStart().toString(),
                        ex.lastEnd() == null ? null : ex.lastEnd().toString(),
                        ex.lastDuration().toMillis(), ex.total().toMillis()),
                new PoolHealth.Leaks(leaks != null, leaks == null ? 0 : leaks.suspicions(), recentLeaks),
                overflow, fleetHealth, warnings(), settings.describe());
    }

    private PoolHealth.AcquireTimes acquireTimes() {
        SummaryTimer timer = tracker.acquire();
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
