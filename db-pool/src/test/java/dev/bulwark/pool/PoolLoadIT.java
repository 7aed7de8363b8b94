package dev.bulwark.pool;

import dev.bulwark.testsupport.Poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** More clients than connections, on the real PostgreSQL. */
@RequiresService(Service.POSTGRESQL)
class PoolLoadIT {

    private final MetricRegistry metrics = new MetricRegistry();
    private final HealthCheckRegistry healthChecks = new HealthCheckRegistry();

    private static PoolSettings.Builder postgres() {
        return PoolSettings.builder().url(TestServices.postgresUrl()).user(TestServices.postgresUser())
                .password(TestServices.postgresPassword()).poolName("load").poolSize(2).maxOverflow(2)
                .sampleInterval(Duration.ofMillis(10));
    }

    @Test
    void sixteenClientsOnFourConnectionsAllSucceedAndTheMonitorAgrees() throws Exception {
        int clients = 16;
        int queriesEach = 25;
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(postgres().acquireTimeout(Duration.ofSeconds(20))
                .build(), metrics, healthChecks)) {
            long acquiredBefore = pool.health().acquireMillis().count();
            ExecutorService executor = Executors.newFixedThreadPool(clients);
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(executor.submit(() -> {
                    for (int q = 0; q < queriesEach; q++) {
                        try (Connection c = pool.dataSource().getConnection(); Statement st = c.createStatement()) {
                            st.execute("SELECT pg_sleep(0.005)");
                            done.incrementAndGet();
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
            executor.shutdown();
            pool.sample();
            PoolHealth health = pool.health();

            assertThat(failures.get()).isZero();
            assertThat(done.get()).isEqualTo(clients * queriesEach);
            assertThat(health.peakActive()).isEqualTo(4);
            assertThat(health.peakPending()).isPositive();
            assertThat(health.acquireMillis().count() - acquiredBefore).isEqualTo(clients * queriesEach);
            assertThat(health.acquireTimeouts()).isZero();
            assertThat(health.exhaustion().count()).isPositive();
            assertThat(health.exhaustion().exhausted()).isFalse();
            assertThat(health.active()).isZero();
            assertThat(metrics.getGauges().get("load.pool.MaxConnections").getValue()).isEqualTo(4);
        }
    }

    @Test
    void warnsWhenThePoolMayOpenMoreConnectionsThanPostgresAllows() {
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(postgres().poolSize(1).maxOverflow(5000).build(),
                metrics)) {
            assertThat(pool.warnings()).singleElement().asString()
                    .startsWith("DB_POOL_SIZE + DB_MAX_OVERFLOW = 5001 exceeds the ")
                    .contains("max_connections");
            assertThat(pool.health().warnings()).isEqualTo(pool.warnings());
        }
    }

    @Test
    void noWarningForAPoolWithinTheServerLimit() {
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(postgres().build(), metrics)) {
            assertThat(pool.warnings()).isEmpty();
        }
    }

    @Test
    void exhaustionIsReportedWhileConnectionsAreHeldAndClearedWhenReleased() throws Exception {
        PoolSettings settings = postgres().acquireTimeout(Duration.ofMillis(500)).validationTimeout(Duration.ofMillis(250))
                .unhealthyAfterExhausted(Duration.ofSeconds(1)).build();
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(settings, metrics, healthChecks)) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(pool.dataSource().getConnection());
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger timeouts = new AtomicInteger();
            ExecutorService waiters = Executors.newFixedThreadPool(3);
            for (int i = 0; i < 3; i++) {
                waiters.submit(() -> {
                    while (!stop.get()) {
                        try (Connection c = pool.dataSource().getConnection()) {
                            c.isValid(1);
                        } catch (SQLTransientConnectionException e) {
                            timeouts.incrementAndGet();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return null;
                });
            }

            Poll.until(Duration.ofSeconds(10), "exhaustion reported", () -> pool.health().exhaustion().exhausted());
            Poll.until(Duration.ofSeconds(10), "unhealthy after 1 s exhausted",
                    () -> pool.health().status() == PoolHealth.Status.UNHEALTHY);
            Poll.until(Duration.ofSeconds(10), "a waiter timed out", () -> timeouts.get() > 0);
            assertThat(healthChecks.runHealthCheck("bulwark.pool.load").isHealthy()).isFalse();
            assertThat(pool.health().acquireTimeouts()).isPositive();
            assertThat(pool.health().reasons()).anyMatch(r -> r.startsWith("exhausted for"));

            for (Connection c : held) {
                c.close();
            }
            stop.set(true);
            waiters.shutdown();
            assertThat(waiters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            Poll.until(Duration.ofSeconds(10), "exhaustion cleared", () -> !pool.health().exhaustion().exhausted());

            PoolHealth after = pool.check();
            assertThat(after.status()).isEqualTo(PoolHealth.Status.HEALTHY);
            assertThat(after.exhaustion().count()).isGreaterThanOrEqualTo(1);
            assertThat(after.exhaustion().lastDurationMs()).isGreaterThanOrEqualTo(1000);
            assertThat(after.exhaustion().lastEndedAt()).isNotNull();
            assertThat(after.acquireTimeouts()).isEqualTo(timeouts.get());
            assertThat(healthChecks.runHealthCheck("bulwark.pool.load").isHealthy()).isTrue();
        }
    }
}
