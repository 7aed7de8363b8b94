package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.testsupport.Examples;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's and the javadoc's examples (embedded H2) and checks they show exactly this code. */
class ExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/pool/ExamplesTest.java");

    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("DB_EMBEDDED_PATH");
        System.clearProperty("DB_POOL_NAME");
    }

    @Test
    void theReadmeExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.readmeJava(Path.of("README.md")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "readme")));
    }

    @Test
    void readmeExampleRunsOnTheEmbeddedDatabase() throws Exception {
        System.setProperty("DB_EMBEDDED_PATH", tmp.resolve("db").toString());
        System.setProperty("DB_POOL_NAME", "examples");
        // region readme
        MetricRegistry metrics = new MetricRegistry();
        HealthCheckRegistry health = new HealthCheckRegistry();

        ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(PoolSettings.fromEnvironment(), metrics, health);
        HikariDataSource dataSource = pool.dataSource();       // a plain HikariDataSource: use it as before

        String json = pool.check().toJson();                    // GET /health/db_pool (probes one connection)
        PoolPrometheus.register(metrics, PrometheusRegistry.defaultRegistry);   // hikaricp_* + bulwark_pool_*
        // exporting the rest of the registry too: DropwizardExports.builder().dropwizardRegistry(metrics)
        //     .metricFilter(PoolPrometheus.otherMetrics()).register(PrometheusRegistry.defaultRegistry);
        // on shutdown: pool.close()  (stops the monitor, closes the pool, removes its metrics)
        // endregion
        try (pool; Connection c = dataSource.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
            assertThat(json).contains("\"status\"");
            assertThat(PrometheusRegistry.defaultRegistry.scrape().stream().map(m -> m.getMetadata().getPrometheusName()))
                    .contains("hikaricp_connections_active");
        } finally {
            PrometheusRegistry.defaultRegistry.clear();
        }
    }

    @Test
    void theJavadocExamplesAreTheCodeTheseTestsRun() {
        Path main = Path.of("src/main/java/dev/bulwark/pool");
        assertThat(Examples.normalized(Examples.javadocCode(main.resolve("ConnectionPoolMonitor.java")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-monitor")));
        assertThat(Examples.normalized(Examples.javadocCode(main.resolve("PoolSettings.java")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-settings")));
    }

    @Test
    void theMonitorJavadocExampleRuns() throws Exception {
        System.setProperty("DB_EMBEDDED_PATH", tmp.resolve("db2").toString());
        System.setProperty("DB_POOL_NAME", "javadoc");
        // region javadoc-monitor
        MetricRegistry metrics = new MetricRegistry();
        HealthCheckRegistry health = new HealthCheckRegistry();
        ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(PoolSettings.fromEnvironment(), metrics, health);
        HikariDataSource dataSource = pool.dataSource();   // use as any DataSource
        String json = pool.health().toJson();              // GET /health/db_pool
        // endregion
        try (pool; Connection c = dataSource.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
            assertThat(json).contains("\"pool\":\"javadoc\"");
            assertThat(health.getNames()).containsExactly("bulwark.pool.javadoc");
        }
    }

    @Test
    void theSettingsJavadocExampleBuildsWhatItSays() {
        String secret = "s3cret";
        // region javadoc-settings
        PoolSettings settings = PoolSettings.builder()
            .url("jdbc:postgresql://db:5432/app").user("app").password(secret)
            .poolSize(10).maxOverflow(20).acquireTimeout(Duration.ofSeconds(10))
            .build();
        // endregion
        assertThat(settings.maximumPoolSize()).isEqualTo(30);
        assertThat(settings.acquireTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.toString()).doesNotContain(secret);
    }
}
