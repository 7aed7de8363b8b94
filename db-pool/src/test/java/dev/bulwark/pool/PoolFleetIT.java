package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.ThrowawayPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of one pool (two monitors) on a PostgreSQL of the test's own started with
 * {@code max_connections = 20}: each sees the other's connections and the budget they share.
 */
@RequiresService(Service.PG_SERVER)
class PoolFleetIT {

    private static PoolSettings replica(ThrowawayPostgres server, String instance) {
        return PoolSettings.builder().url(server.jdbcUrl()).user("app").poolName("orders").instance(instance)
                .poolSize(2).maxOverflow(8).fleetCheckInterval(Duration.ofSeconds(1)).sampleInterval(Duration.ofMillis(50))
                .overflowIdle(Duration.ofSeconds(1)).degradedUtilisation(1.0).acquireTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static void limitConnections(ThrowawayPostgres server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), "");
                Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET max_connections = 20");
            st.execute("CREATE ROLE app LOGIN");
        }
        server.kill();
        server.start();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), "");
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW max_connections")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(20);
        }
    }

    private static List<Connection> borrow(ConnectionPoolMonitor pool, int n) throws SQLException {
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(pool.dataSource().getConnection());
        }
        return held;
    }

    @Test
    void replicasSeeTheirSharedBudgetAndDegradeNearTheServerLimit() throws Exception {
        try (ThrowawayPostgres server = ThrowawayPostgres.create()) {
            limitConnections(server);
            MetricRegistry metricsA = new MetricRegistry();
            try (ConnectionPoolMonitor a = ConnectionPoolMonitor.create(replica(server, "web-a"), metricsA);
                    ConnectionPoolMonitor b = ConnectionPoolMonitor.create(replica(server, "web-b"), new MetricRegistry())) {
                assertThat(a.settings().applicationName()).isEqualTo("orders:10:web-a");
                Poll.until(Duration.ofSeconds(20), "both replicas seen with 2 connections each", () -> {
                    PoolHealth.Fleet f = a.health().fleet();
                    return f != null && f.replicas() == 2 && f.connections() == 4;
                });
                PoolHealth health = a.health();
                assertThat(health.fleet().replicasMaximum()).isEqualTo(20);
                assertThat(health.fleet().maxConnections()).isEqualTo(20);
                assertThat(health.fleet().serverLimit()).isEqualTo(17);
                assertThat(health.warnings()).anySatisfy(w -> assertThat(w)
                        .contains("the 2 replicas of pool orders may open 20 connections together")
                        .contains("more than the 17 PostgreSQL allows (max_connections 20 - 3 reserved)"));
                assertThat(health.status()).as("server far from its limit").isEqualTo(PoolHealth.Status.HEALTHY);
                assertThat(metricsA.getGauges().get("bulwark.pool.orders.fleet.connections").getValue()).isEqualTo(4);

                // 8 + 7 in use, plus the checks' own: 16 or 17 of the 17 allowed, within 10 % of the limit.
                List<Connection> held = new ArrayList<>(borrow(a, 8));
                held.addAll(borrow(b, 7));
                Poll.until(Duration.ofSeconds(20), "degraded near the server limit",
                        () -> a.health().reasons().stream().anyMatch(r -> r.contains("within 10 % of its limit")));
                assertThat(a.health().status()).isEqualTo(PoolHealth.Status.DEGRADED);
                assertThat(a.health().reasons()).anySatisfy(r -> assertThat(r)
                        .contains("of the 17 connections it allows (within 10 % of its limit)")
                        .contains("the 2 replica(s) of this pool may open 20"));
                assertThat(a.health().fleet().connections()).isGreaterThanOrEqualTo(15);
                Poll.until(Duration.ofSeconds(20), "the other replica agrees",
                        () -> b.health().status() == PoolHealth.Status.DEGRADED);

                for (Connection c : held) {
                    c.close();
                }
                Poll.until(Duration.ofSeconds(30), "healthy again once the burst is over",
                        () -> a.health().status() == PoolHealth.Status.HEALTHY);
            }
        }
    }

    @Test
    void aSingleReplicaWithinTheLimitHasNoFleetWarning() throws Exception {
        try (ThrowawayPostgres server = ThrowawayPostgres.create()) {
            limitConnections(server);
            try (ConnectionPoolMonitor a = ConnectionPoolMonitor.create(replica(server, "web-a"), new MetricRegistry())) {
                PoolHealth.Fleet fleet = a.health().fleet();
                assertThat(fleet).isNotNull();
                assertThat(fleet.replicas()).isEqualTo(1);
                assertThat(fleet.replicasMaximum()).isEqualTo(10);
                assertThat(a.warnings()).isEmpty();
            }
        }
    }
}
