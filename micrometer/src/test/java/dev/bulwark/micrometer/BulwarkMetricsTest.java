package dev.bulwark.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.jwt.AuthRequest;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolPrometheus;
import dev.bulwark.pool.PoolSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge over the metrics of a real pool (H2) and a real authenticator. */
class BulwarkMetricsTest {

    private static final Pattern SERIES = Pattern.compile("^([a-z_]+)[{ ]", Pattern.MULTILINE);

    @TempDir
    Path dir;
    private final MetricRegistry metrics = new MetricRegistry();
    private ConnectionPoolMonitor pool;
    private JwtCookieAuth auth;

    @BeforeEach
    void start() throws Exception {
        pool = ConnectionPoolMonitor.create(PoolSettings.builder().embeddedPath(dir.resolve("db")).poolSize(1).maxOverflow(1)
                .build(), metrics);
        try (Connection c = pool.dataSource().getConnection()) {
            assertThat(c.isValid(1)).isTrue(); // one acquire, so the acquire timer has a count and a total
        }
        String secret = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret)), new InMemoryTokenStore(), metrics);
    }

    @AfterEach
    void stop() {
        pool.close();
    }

    private void refuseOneRequestWithoutToken() {
        assertThat(auth.authenticate(new AuthRequest() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public Optional<String> header(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<String> cookie(String name) {
                return Optional.empty();
            }
        }).authenticated()).isFalse();
    }

    @Test
    void perReasonRefusalsAreOneCounterWithAReasonTag() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new BulwarkMetrics(metrics).bindTo(meters);

        refuseOneRequestWithoutToken();
        refuseOneRequestWithoutToken();

        FunctionCounter refused = meters.get("bulwark.jwt.refused").tag("reason", "missing_token").functionCounter();
        assertThat(refused.count()).isEqualTo(2.0);
        assertThat(meters.find("bulwark.jwt.refused.missing_token").meters()).isEmpty();
    }

    @Test
    void poolSeriesCarryMicrometersHikariNamesAndAPoolTag() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new BulwarkMetrics(metrics).bindTo(meters);

        assertThat(meters.get("hikaricp.connections.max").tag("pool", "bulwark").gauge().value()).isEqualTo(2.0);
        assertThat(meters.get("hikaricp.connections.acquire").tag("pool", "bulwark").functionTimer().count()).isPositive();
        assertThat(meters.get("hikaricp.connections.acquire").tag("pool", "bulwark").functionTimer()
                .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(meters.get("bulwark.pool.exhaustion.seconds").tag("pool", "bulwark").functionCounter().count()).isZero();
    }

    @Test
    void metricsRegisteredAfterBindingAreBridgedAndRemovedOnesGo() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        BulwarkMetrics binder = new BulwarkMetrics(metrics, io.micrometer.core.instrument.Tags.of("instance", "a"));
        binder.bindTo(meters);

        metrics.counter("bulwark.sandbox.runs").inc(3);
        assertThat(meters.get("bulwark.sandbox.runs").tag("instance", "a").functionCounter().count()).isEqualTo(3.0);

        metrics.remove("bulwark.sandbox.runs");
        assertThat(meters.find("bulwark.sandbox.runs").meters()).isEmpty();

        binder.close();
        assertThat(meters.getMeters()).isEmpty();
    }

    @Test
    void thePrometheusScrapeHasThePoolSeriesOfTheJdkSampleAndMicrometersHikariBinding() throws IOException {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new BulwarkMetrics(metrics).bindTo(meters);
        refuseOneRequestWithoutToken();

        String micrometer = meters.scrape();

        assertThat(micrometer).contains("hikaricp_connections_active{pool=\"bulwark\"}", "hikaricp_connections_max{pool=\"bulwark\"} 2",
                "hikaricp_connections_acquire_seconds_count{pool=\"bulwark\"}",
                "hikaricp_connections_acquire_seconds_sum{pool=\"bulwark\"}",
                "hikaricp_connections_acquire_seconds_max{pool=\"bulwark\"}",
                "hikaricp_connections_timeout_total{pool=\"bulwark\"}",
                "bulwark_pool_exhaustion_events_total{pool=\"bulwark\"}",
                "bulwark_pool_exhaustion_seconds_total{pool=\"bulwark\"}",
                "bulwark_jwt_refused_total{reason=\"missing_token\"} 1",
                "bulwark_jwt_logins_total");
        // Every pool series the db-pool module's own Prometheus exposition has (what the JDK sample
        // serves on /metrics), the bridge has under the same name.
        PrometheusRegistry direct = new PrometheusRegistry();
        PoolPrometheus.register(metrics, direct);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, direct.scrape());
        Set<String> poolSeries = series(out.toString(StandardCharsets.UTF_8));
        assertThat(poolSeries).contains("hikaricp_connections_active", "bulwark_pool_utilisation");
        assertThat(series(micrometer)).containsAll(poolSeries);
    }

    private static Set<String> series(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher m = SERIES.matcher(exposition);
        while (m.find()) {
            int end = exposition.indexOf('\n', m.start());
            if (!exposition.substring(m.start(), end < 0 ? exposition.length() : end).contains("quantile=")) {
                names.add(m.group(1)); // Micrometer's function timers have no quantiles: _count, _sum, _max
            }
        }
        return names;
    }
}
