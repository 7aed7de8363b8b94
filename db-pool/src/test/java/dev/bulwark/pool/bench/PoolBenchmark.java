package dev.bulwark.pool.bench;

import com.codahale.metrics.MetricRegistry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.dropwizard.CodahaleMetricsTrackerFactory;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolSettings;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * db-pool benchmark, one run against the same PostgreSQL ({@code BULWARK_PG_URL}):
 * (a) a query on a new connection vs on a pooled one; (b) the getConnection()/close() cycle on
 * bare HikariCP vs the same pool with our monitor attached (and with leak detection on).
 * Run: {@code scripts/benchmark.sh db-pool PoolBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PoolBenchmark {

    private final String url = TestServices.postgresUrl();
    private final String user = TestServices.postgresUser();
    private final String password = TestServices.postgresPassword();
    private HikariDataSource bare;
    private HikariDataSource bareWithTracker;
    private ConnectionPoolMonitor monitored;
    private ConnectionPoolMonitor monitoredWithLeakDetection;

    @Setup(Level.Trial)
    public void start() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMinimumIdle(4);
        config.setMaximumPoolSize(4);
        config.setPoolName("bare");
        bare = new HikariDataSource(config);
        HikariConfig tracked = new HikariConfig();
        config.copyStateTo(tracked);
        tracked.setPoolName("tracked");
        tracked.setMetricsTrackerFactory(new CodahaleMetricsTrackerFactory(new MetricRegistry()));
        bareWithTracker = new HikariDataSource(tracked);
        PoolSettings.Builder settings = PoolSettings.builder().url(url).user(user).password(password).poolSize(4)
                .maxOverflow(0);
        monitored = ConnectionPoolMonitor.create(settings.poolName("monitored").build(), new MetricRegistry());
        monitoredWithLeakDetection = ConnectionPoolMonitor.create(
                settings.poolName("leaks").leakDetection(Duration.ofSeconds(60)).build(), new MetricRegistry());
    }

    @TearDown(Level.Trial)
    public void stop() {
        bare.close();
        bareWithTracker.close();
        monitored.close();
        monitoredWithLeakDetection.close();
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** (a) baseline: open a new connection for every query. */
    @Benchmark
    public int queryOnNewConnection() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return selectOne(c);
        }
    }

    /** (a) the same query on a connection from our monitored pool. */
    @Benchmark
    public int queryOnPooledConnection() throws SQLException {
        try (Connection c = monitored.dataSource().getConnection()) {
            return selectOne(c);
        }
    }

    /** (b) baseline: borrow and return on bare HikariCP. */
    @Benchmark
    public boolean cycleBareHikari() throws SQLException {
        try (Connection c = bare.getConnection()) {
            return c.getAutoCommit();
        }
    }

    /** (b) what a user who already exports Hikari's metrics has: Hikari + its dropwizard tracker. */
    @Benchmark
    public boolean cycleHikariWithDropwizardTracker() throws SQLException {
        try (Connection c = bareWithTracker.getConnection()) {
            return c.getAutoCommit();
        }
    }

    /** (b) borrow and return with our monitor attached. */
    @Benchmark
    public boolean cycleMonitored() throws SQLException {
        try (Connection c = monitored.dataSource().getConnection()) {
            return c.getAutoCommit();
        }
    }

    /** (b) borrow and return with leak detection on (wraps each connection). */
    @Benchmark
    public boolean cycleMonitoredWithLeakDetection() throws SQLException {
        try (Connection c = monitoredWithLeakDetection.dataSource().getConnection()) {
            return c.getAutoCommit();
        }
    }
}
