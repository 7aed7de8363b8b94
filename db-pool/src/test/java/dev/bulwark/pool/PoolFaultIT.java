package dev.bulwark.pool;

import dev.bulwark.testsupport.Poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.ThrowawayPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** PostgreSQL killed under load and started again: the pool recovers on its own. */
@RequiresService(Service.PG_SERVER)
class PoolFaultIT {

    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void poolRecoversAfterTheDatabaseIsKilledAndRestarted() throws Exception {
        try (ThrowawayPostgres server = ThrowawayPostgres.create()) {
            PoolSettings settings = PoolSettings.builder().url(server.jdbcUrl()).user(server.user()).poolName("fault")
                    .poolSize(2).maxOverflow(2).acquireTimeout(ACQUIRE_TIMEOUT).validationTimeout(Duration.ofMillis(250))
                    .sampleInterval(Duration.ofMillis(20)).build();
            HealthCheckRegistry healthChecks = new HealthCheckRegistry();
            try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(settings, new MetricRegistry(), healthChecks)) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger ok = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                AtomicLong longestAcquireNanos = new AtomicLong();
                ExecutorService load = Executors.newFixedThreadPool(6);
                for (int i = 0; i < 6; i++) {
                    load.submit(() -> {
                        while (!stop.get()) {
                            long start = System.nanoTime();
                            try (Connection c = pool.dataSource().getConnection()) {
                                longestAcquireNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                                try (Statement st = c.createStatement()) {
                                    st.execute("SELECT pg_sleep(0.002)");
                                }
                                ok.incrementAndGet();
                            } catch (SQLException e) {
                                longestAcquireNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                                failed.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
                Poll.until(Duration.ofSeconds(10), "load running", () -> ok.get() > 50);
                assertThat(pool.check().status()).isNotEqualTo(PoolHealth.Status.UNHEALTHY);

                server.kill();
                Poll.until(Duration.ofSeconds(20), "health unhealthy with the database down",
                        () -> pool.check().status() == PoolHealth.Status.UNHEALTHY);
                assertThat(healthChecks.runHealthCheck("bulwark.pool.fault").isHealthy()).isFalse();
                int failedWhileDown = failed.get();
                assertThat(failedWhileDown).isPositive();

                server.start();
                long restarted = System.nanoTime();
                int okBefore = ok.get();
                Poll.until(Duration.ofSeconds(30), "queries succeed again after restart", () -> ok.get() > okBefore + 50);
                Poll.until(Duration.ofSeconds(30), "health healthy again",
                        () -> pool.check().status() != PoolHealth.Status.UNHEALTHY);
                long recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
                stop.set(true);
                load.shutdown();
                assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

                System.out.printf("fault test: %d ok, %d failed while down, recovered %d ms after restart, "
                        + "longest getConnection %d ms%n", ok.get(), failed.get(), recoveryMs,
                        TimeUnit.NANOSECONDS.toMillis(longestAcquireNanos.get()));
                assertThat(healthChecks.runHealthCheck("bulwark.pool.fault").isHealthy()).isTrue();
                // No caller stayed blocked past the acquire timeout (plus scheduling slack on 2 cores).
                assertThat(Duration.ofNanos(longestAcquireNanos.get())).isLessThan(ACQUIRE_TIMEOUT.plusSeconds(3));
            }
        }
    }
}
