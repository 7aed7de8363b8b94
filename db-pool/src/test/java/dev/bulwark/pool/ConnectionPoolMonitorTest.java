package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import dev.bulwark.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor on an in-process H2 database: no external service needed. */
class ConnectionPoolMonitorTest {

    private final MetricRegistry metrics = new MetricRegistry();
    private final HealthCheckRegistry healthChecks = new HealthCheckRegistry();

    private PoolSettings.Builder h2() {
        return PoolSettings.builder().url("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1").degradedUtilisation(0.5)
                .user("sa").password("pw-never-shown").poolSize(1).maxOverflow(2);
    }

    @Test
    void theMonitorRunsOnTheCallersThreadFactoryAndTheHealthCheckLeavesWithThePool() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        HealthCheckRegistry healthChecks = new HealthCheckRegistry();
        List<String> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ThreadFactory factory = r -> {
            Thread t = new Thread(r, "caller-pool-thread-" + made.size());
            t.setDaemon(true);
            made.add(t.getName());
            return t;
        };
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.builder(h2().build(), metrics).healthChecks(healthChecks)
                .threadFactory(factory).build()) {
            pool.dataSource().getConnection().close();
            assertThat(made).as("the monitor thread came from the caller's factory").isNotEmpty();
            assertThat(healthChecks.getNames()).containsExactly("bulwark.pool.bulwark");
        }
        assertThat(healthChecks.getNames()).isEmpty();
    }

    @Test
    void handsOutWorkingConnectionsFromAPlainHikariDataSource() throws Exception {
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(h2().build(), metrics);
                Connection c = pool.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 40 + 2")) {
            assertThat(pool.dataSource().getClass()).isEqualTo(com.zaxxer.hikari.HikariDataSource.class);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void healthJsonHasTheDocumentedShapeAndNoSecret() throws Exception {
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(h2().build(), metrics, healthChecks)) {
            List<Connection> held = new ArrayList<>();
            held.add(pool.dataSource().getConnection());
            held.add(pool.dataSource().getConnection());
            JsonNode json = new ObjectMapper().readTree(pool.health().toJson());
            for (Connection c : held) {
                c.close();
            }

            assertThat(json.get("status").asText()).isEqualTo("DEGRADED");
            assertThat(json.get("reasons").get(0).asText()).isEqualTo("utilisation 0.67 above 0.50");
            assertThat(json.get("pool").asText()).isEqualTo("bulwark");
            assertThat(json.get("minimumIdle").asInt()).isEqualTo(1);
            assertThat(json.get("maximumPoolSize").asInt()).isEqualTo(3);
            assertThat(json.get("active").asInt()).isEqualTo(2);
            assertThat(json.get("utilisation").asDouble()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(json.get("peakActive").asInt()).isEqualTo(2);
            assertThat(json.has("idle") && json.has("pending") && json.has("total") && json.has("acquireTimeouts")).isTrue();
            assertThat(json.get("acquireMillis").get("count").asLong()).isEqualTo(2);
            assertThat(json.get("exhaustion").get("count").asLong()).isZero();
            assertThat(json.get("leaks").get("enabled").asBoolean()).isFalse();
            assertThat(json.get("settings").get("maximumPoolSize").asInt()).isEqualTo(3);
            assertThat(json.toString()).doesNotContain("pw-never-shown");
        }
    }

    @Test
    void healthCheckProbesAConnectionAndReportsHealthy() {
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(h2().build(), metrics, healthChecks)) {
            HealthCheck.Result result = healthChecks.runHealthCheck("bulwark.pool.bulwark");

            assertThat(result.isHealthy()).isTrue();
            assertThat(result.getDetails()).containsEntry("status", "HEALTHY");
        }
    }

    @Test
    void closedPoolIsUnhealthyAndItsMetricsAreRemoved() {
        ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(h2().build(), metrics, healthChecks);
        assertThat(metrics.getNames()).contains("bulwark.pool.bulwark.utilisation", "bulwark.pool.Wait");
        pool.close();

        assertThat(pool.health().status()).isEqualTo(PoolHealth.Status.UNHEALTHY);
        assertThat(metrics.getNames()).noneMatch(n -> n.startsWith("bulwark.pool."));
        assertThat(healthChecks.getNames()).isEmpty();
    }

    @Test
    void exposesHikariSeriesUnderTheirUsualPrometheusNames() throws Exception {
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(h2().poolName("orders").build(), metrics)) {
            pool.dataSource().getConnection().close();
            PrometheusRegistry prometheus = new PrometheusRegistry();
            PoolPrometheus.register(metrics, prometheus);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new PrometheusTextFormatWriter(false).write(out, prometheus.scrape());
            String text = out.toString(StandardCharsets.UTF_8);

            assertThat(text).contains("hikaricp_connections_active{pool=\"orders\"}",
                    "hikaricp_connections_idle{pool=\"orders\"}", "hikaricp_connections_pending{pool=\"orders\"}",
                    "hikaricp_connections_max{pool=\"orders\"} 3.0", "hikaricp_connections_min{pool=\"orders\"} 1.0",
                    "hikaricp_connections_timeout_total{pool=\"orders\"}",
                    "hikaricp_connections_acquire_seconds_count{pool=\"orders\"} 1",
                    "bulwark_pool_utilisation{pool=\"orders\"}", "bulwark_pool_exhaustion_events_total{pool=\"orders\"} 0",
                    "bulwark_pool_peak_active{pool=\"orders\"} 1.0");
        }
    }

    @Test
    void peaksCoverTheWindowNotTheWholeLife() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        PoolSettings settings = h2().peakWindow(Duration.ofMinutes(2)).sampleInterval(Duration.ofMinutes(1)).build();
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.builder(settings, metrics).clock(clock).build()) {
            List<Connection> held = new ArrayList<>();
            held.add(pool.dataSource().getConnection());
            held.add(pool.dataSource().getConnection());
            for (Connection c : held) {
                c.close();
            }
            pool.sample();
            assertThat(pool.health().peakActive()).isEqualTo(2);
            assertThat(metrics.getGauges().get("bulwark.pool.bulwark.peak_active").getValue()).isEqualTo(2);

            clock.advance(Duration.ofMinutes(1));
            pool.sample();
            assertThat(pool.health().peakActive()).as("still within the window").isEqualTo(2);

            clock.advance(Duration.ofMinutes(2));
            pool.sample();
            assertThat(pool.health().peakActive()).as("window passed").isZero();
            assertThat(metrics.getGauges().get("bulwark.pool.bulwark.peak_active").getValue()).isEqualTo(0);
        }
    }

    @Test
    void theMonitorsOwnBorrowsAreNotCounted() throws Exception {
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(h2().overflowIdle(Duration.ZERO).build(), metrics)) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(pool.dataSource().getConnection());
            }
            for (Connection c : held) {
                c.close();
            }
            pool.sample();   // sees the burst's peak of 3 since the previous sample
            pool.sample();   // 0 needed now, and no idle time to wait for

            PoolHealth health = pool.health();
            assertThat(health.total()).as("overflow closed at once with DB_POOL_OVERFLOW_IDLE_MS=0").isEqualTo(1);
            assertThat(health.overflow().retired()).isEqualTo(2);
            assertThat(health.acquireMillis().count()).as("only the application's three borrows").isEqualTo(3);
            assertThat(metrics.getTimers().get("bulwark.pool.Usage").getCount()).isEqualTo(3);
            assertThat(health.acquireTimeouts()).isZero();
        }
    }

    @Test
    void unsetUrlUsesTheEmbeddedH2FileDatabase(@TempDir Path dir) throws Exception {
        PoolSettings settings = PoolSettings.builder().embeddedPath(dir.resolve("db")).poolSize(1).maxOverflow(1).build();
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(settings, metrics);
                Connection c = pool.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t(x INT)");
        }

        assertThat(Files.exists(dir.resolve("db.mv.db"))).isTrue();
    }
}
