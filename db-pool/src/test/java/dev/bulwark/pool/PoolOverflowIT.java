package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SQLAlchemy overflow model on the real PostgreSQL, counted where it matters: the pool's
 * backends in {@code pg_stat_activity} (by {@code application_name}).
 */
@RequiresService(Service.POSTGRESQL)
class PoolOverflowIT {

    private static final int SIZE = 3;
    private static final int OVERFLOW = 5;
    private static final Duration OVERFLOW_IDLE = Duration.ofSeconds(2);
    private static final Duration SAMPLE = Duration.ofMillis(50);
    /** Stated slack for closing: one sample interval plus 1 s for the closes to reach the server on a busy 2-core box. */
    private static final Duration SLACK = SAMPLE.plusSeconds(1);

    private final String poolName = "ovf" + UUID.randomUUID().toString().substring(0, 8);
    private final MetricRegistry metrics = new MetricRegistry();
    private Connection observer;
    private final AtomicInteger mostBackends = new AtomicInteger();
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private ExecutorService watcher;

    @BeforeEach
    void observe() throws SQLException {
        observer = DriverManager.getConnection(TestServices.postgresUrl(), TestServices.postgresUser(),
                TestServices.postgresPassword());
    }

    @AfterEach
    void stop() throws Exception {
        watching.set(false);
        if (watcher != null) {
            watcher.shutdown();
            assertThat(watcher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        observer.close();
    }

    /** The pool's backends on the server right now. */
    private synchronized int backends() {
        try (PreparedStatement st = observer.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE left(application_name, ?) = ?")) {
            String prefix = poolName + ":";
            st.setInt(1, prefix.length());
            st.setString(2, prefix);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                int n = rs.getInt(1);
                mostBackends.accumulateAndGet(n, Math::max);
                return n;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private ConnectionPoolMonitor start() {
        PoolSettings settings = PoolSettings.builder().url(TestServices.postgresUrl()).user(TestServices.postgresUser())
                .password(TestServices.postgresPassword()).poolName(poolName).poolSize(SIZE).maxOverflow(OVERFLOW)
                .overflowIdle(OVERFLOW_IDLE).sampleInterval(SAMPLE).acquireTimeout(Duration.ofSeconds(20)).build();
        ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(settings, metrics);
        watcher = Executors.newSingleThreadExecutor();
        watcher.submit(() -> {
            while (watching.get()) {
                backends();
            }
            return null;
        });
        return pool;
    }

    private static List<Connection> borrow(ConnectionPoolMonitor pool, int n) throws SQLException {
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(pool.dataSource().getConnection());
        }
        return held;
    }

    @Test
    void holdsThePoolSizeAtRestOpensOnlyWhatABurstNeedsAndClosesItAfterTheIdleTime() throws Exception {
        try (ConnectionPoolMonitor pool = start()) {
            Poll.until(Duration.ofSeconds(10), "pool filled to DB_POOL_SIZE", () -> backends() == SIZE);
            pool.sample();
            assertThat(backends()).as("at rest").isEqualTo(SIZE);

            // A burst of 6 connections in use: 3 kept + 3 overflow, and no spare idle ones on top.
            List<Connection> held = borrow(pool, 6);
            Poll.until(Duration.ofSeconds(10), "6 backends during the burst", () -> backends() == 6);
            for (int i = 0; i < 5; i++) {
                pool.sample();
            }
            assertThat(backends()).as("during a burst of 6").isEqualTo(6);
            assertThat(pool.health().overflow().inUse()).isEqualTo(3);
            assertThat(metrics.getGauges().get("bulwark.pool." + poolName + ".overflow.active").getValue()).isEqualTo(3);

            long released = System.nanoTime();
            for (Connection c : held) {
                c.close();
            }
            AtomicInteger firstDropMs = new AtomicInteger(-1);
            Poll.until(Duration.ofSeconds(30), "overflow closed", () -> {
                int n = backends();
                if (n < 6 && firstDropMs.get() < 0) {
                    firstDropMs.set((int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released));
                }
                return n == SIZE;
            });
            long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
            System.out.printf("overflow: at rest %d, burst of 6 -> %d backends, most seen %d; after release first "
                    + "close at %d ms, back to %d at %d ms (DB_POOL_OVERFLOW_IDLE_MS %d)%n", SIZE, 6, mostBackends.get(),
                    firstDropMs.get(), SIZE, closedMs, OVERFLOW_IDLE.toMillis());
            assertThat(firstDropMs.get()).as("overflow kept for the idle time").isGreaterThanOrEqualTo(
                    (int) OVERFLOW_IDLE.minus(SAMPLE).toMillis());
            assertThat(closedMs).as("overflow closed within the idle time + slack")
                    .isLessThanOrEqualTo(OVERFLOW_IDLE.plus(SLACK).toMillis());
            assertThat(mostBackends.get()).isEqualTo(6);
            assertThat(pool.health().overflow().opened()).isEqualTo(3);
            assertThat(pool.health().overflow().retired()).isEqualTo(3);
            for (int i = 0; i < 5; i++) {
                pool.sample();
            }
            assertThat(backends()).as("after the burst").isEqualTo(SIZE);
        }
    }

    @Test
    void neverOpensMoreThanSizePlusOverflowUnderABurstBeyondIt() throws Exception {
        try (ConnectionPoolMonitor pool = start()) {
            Poll.until(Duration.ofSeconds(10), "pool filled to DB_POOL_SIZE", () -> backends() == SIZE);
            int clients = 16;
            ExecutorService burst = Executors.newFixedThreadPool(clients);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger failures = new AtomicInteger();
            for (int i = 0; i < clients; i++) {
                burst.submit(() -> {
                    go.await();
                    for (int q = 0; q < 20; q++) {
                        try (Connection c = pool.dataSource().getConnection();
                                PreparedStatement st = c.prepareStatement("SELECT pg_sleep(0.01)")) {
                            st.execute();
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            go.countDown();
            burst.shutdown();
            assertThat(burst.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            Poll.until(Duration.ofSeconds(30), "back to DB_POOL_SIZE", () -> backends() == SIZE);

            System.out.printf("overflow: 16 clients on %d + %d: most backends seen %d%n", SIZE, OVERFLOW, mostBackends.get());
            assertThat(failures.get()).isZero();
            assertThat(mostBackends.get()).isEqualTo(SIZE + OVERFLOW);
            assertThat(pool.health().overflow().opened()).isGreaterThanOrEqualTo(OVERFLOW);
        }
    }
}
