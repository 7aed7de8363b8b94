package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics of a pool on the real PostgreSQL, read back with a strict exposition-format parser
 * and with promtool: Micrometer's HikariCP series, their types and units, and the shipped alert
 * rules' pool series.
 */
@RequiresService(Service.POSTGRESQL)
class PoolMetricsIT {

    private static final Set<String> GAUGES = Set.of("hikaricp_connections", "hikaricp_connections_active",
            "hikaricp_connections_idle", "hikaricp_connections_pending", "hikaricp_connections_max",
            "hikaricp_connections_min", "hikaricp_connections_acquire_seconds_max",
            "hikaricp_connections_usage_seconds_max", "hikaricp_connections_creation_seconds_max",
            "bulwark_pool_utilisation", "bulwark_pool_peak_active", "bulwark_pool_peak_pending", "bulwark_pool_exhausted",
            "bulwark_pool_overflow_active", "bulwark_pool_overflow_open", "bulwark_pool_fleet_connections",
            "bulwark_pool_fleet_max_connections", "bulwark_pool_fleet_replicas", "bulwark_pool_server_connections",
            "bulwark_pool_server_limit_connections");
    private static final Set<String> COUNTERS = Set.of("hikaricp_connections_timeout", "bulwark_pool_acquire_timeouts",
            "bulwark_pool_exhaustion_events", "bulwark_pool_exhaustion_seconds", "bulwark_pool_leak_suspicions",
            "bulwark_pool_overflow_opened", "bulwark_pool_overflow_retired");
    private static final Set<String> SUMMARIES = Set.of("hikaricp_connections_acquire_seconds",
            "hikaricp_connections_usage_seconds", "hikaricp_connections_creation_seconds");
    private static final Path RULES = Path.of("..", "alerting", "monitoring", "alerting_rules.yml");

    /** Scrapes a pool that is exhausted right now, after a timed-out acquire and a 300 ms hold. */
    private static String scrapeExhaustedPool(String poolName) throws Exception {
        PoolSettings settings = PoolSettings.builder().url(TestServices.postgresUrl()).user(TestServices.postgresUser())
                .password(TestServices.postgresPassword()).poolName(poolName).poolSize(1).maxOverflow(1)
                .acquireTimeout(Duration.ofMillis(500)).validationTimeout(Duration.ofMillis(250))
                .sampleInterval(Duration.ofMillis(20)).build();
        MetricRegistry metrics = new MetricRegistry();
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(settings, metrics)) {
            try (Connection c = pool.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_sleep(0.3)");
            }
            List<Connection> held = new ArrayList<>();
            held.add(pool.dataSource().getConnection());
            held.add(pool.dataSource().getConnection());
            assertThatThrownBy(() -> pool.dataSource().getConnection().close())
                    .isInstanceOf(SQLTransientConnectionException.class);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService waiter = Executors.newSingleThreadExecutor();
            waiter.submit(() -> {
                while (!stop.get()) {
                    try (Connection c = pool.dataSource().getConnection()) {
                        c.isValid(1);
                    } catch (SQLTransientConnectionException expected) {
                        // the pool is exhausted: that is the point
                    }
                }
                return null;
            });
            Poll.until(Duration.ofSeconds(10), "exhaustion seen", () -> pool.health().exhaustion().exhausted());
            PrometheusRegistry prometheus = new PrometheusRegistry();
            PoolPrometheus.register(metrics, prometheus);
            // The waiter times out and asks again, so a scrape can fall between two waits (pending 0):
            // scrape until one shows what Prometheus would see mid-exhaustion.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Poll.until(Duration.ofSeconds(10), "a scrape with a waiter at the maximum", () -> {
                out.reset();
                try {
                    new PrometheusTextFormatWriter(false).write(out, prometheus.scrape());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Map<String, Exposition.Family> f = Exposition.parse(out.toString(StandardCharsets.UTF_8));
                return value(f, "hikaricp_connections_pending") > 0
                        && value(f, "hikaricp_connections_active") >= value(f, "hikaricp_connections_max");
            });
            stop.set(true);
            for (Connection c : held) {
                c.close();
            }
            waiter.shutdown();
            assertThat(waiter.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void everySeriesHasTheTypeAndUnitMicrometersHikariBindingGivesIt() throws Exception {
        Map<String, Exposition.Family> families = Exposition.parse(scrapeExhaustedPool("metrics"));

        for (String name : GAUGES) {
            assertThat(families).as(name).containsKey(name);
            assertThat(families.get(name).type()).as(name).isEqualTo("gauge");
        }
        for (String name : COUNTERS) {
            assertThat(families).as(name).containsKey(name + "_total");
            assertThat(families.get(name + "_total").type()).as(name).isEqualTo("counter");
            assertThat(families.get(name + "_total").samples()).as(name).isNotEmpty()
                    .allMatch(s -> s.name().equals(name + "_total"));
        }
        for (String name : SUMMARIES) {
            assertThat(families.get(name).type()).as(name).isEqualTo("summary");
            assertThat(families.get(name).samples()).extracting(Exposition.Sample::name).as(name)
                    .contains(name + "_count", name + "_sum");
        }
        assertThat(families.keySet()).noneMatch(n -> n.contains("milli") || n.contains("nano"));
        assertThat(families.values()).flatExtracting(Exposition.Family::samples)
                .allMatch(s -> "metrics".equals(s.labels().get("pool")));

        // Units are seconds: a 500 ms timed-out acquire, a 300 ms hold, a loopback connect.
        assertThat(value(families, "hikaricp_connections_acquire_seconds_max")).isBetween(0.45, 5.0);
        assertThat(value(families, "hikaricp_connections_usage_seconds_max")).isBetween(0.29, 5.0);
        double creations = value(families, "hikaricp_connections_creation_seconds_count");
        assertThat(creations).isGreaterThanOrEqualTo(1);
        assertThat(value(families, "hikaricp_connections_creation_seconds_sum") / creations).isBetween(1e-5, 5.0);
        double acquireSum = value(families, "hikaricp_connections_acquire_seconds_sum");
        assertThat(acquireSum).isBetween(0.45, 60.0);
        assertThat(value(families, "hikaricp_connections_timeout_total")).isGreaterThanOrEqualTo(1);
        assertThat(value(families, "bulwark_pool_acquire_timeouts_total")).isGreaterThanOrEqualTo(1);
        assertThat(value(families, "hikaricp_connections_active")).isEqualTo(2);
        assertThat(value(families, "hikaricp_connections_pending")).isPositive();
        assertThat(value(families, "bulwark_pool_exhausted")).isEqualTo(1);
        assertThat(value(families, "bulwark_pool_peak_active")).isEqualTo(2);
        assertThat(value(families, "bulwark_pool_fleet_connections")).isGreaterThanOrEqualTo(1);
    }

    @Test
    @RequiresService(Service.PROMTOOL)
    void promtoolAcceptsTheExpositionAndTheShippedRulesFireOnIt(@TempDir Path dir) throws Exception {
        String text = scrapeExhaustedPool("bulwark");
        assertThat(Files.exists(RULES)).as("alert rules at " + RULES.toAbsolutePath()).isTrue();
        Files.writeString(dir.resolve("metrics.prom"), text);
        assertThat(promtool(dir, "check", "metrics")).as("promtool check metrics").isEmpty();

        // Every pool series an alert rule queries is one the pool exposes.
        Set<String> exposed = new LinkedHashSet<>();
        for (Exposition.Family f : Exposition.parse(text).values()) {
            f.samples().forEach(s -> exposed.add(s.name()));
        }
        String rules = Files.readString(RULES);
        Matcher m = Pattern.compile("\\b(hikaricp_[a-z_]+|bulwark_pool_[a-z_]+)").matcher(rules);
        Set<String> queried = new LinkedHashSet<>();
        while (m.find()) {
            queried.add(m.group(1));
        }
        assertThat(queried).isNotEmpty();
        assertThat(exposed).containsAll(queried);

        // The rules, fed with exactly the series scraped above (as Prometheus stores them, with the
        // target's instance label), fire the pool alert: names and labels line up.
        StringBuilder test = new StringBuilder("rule_files:\n  - ").append(RULES.toAbsolutePath().normalize())
                .append("\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
        for (Exposition.Family f : Exposition.parse(text).values()) {
            for (Exposition.Sample s : f.samples()) {
                StringBuilder labels = new StringBuilder("instance=\"svc:8080\"");
                s.labels().forEach((k, v) -> labels.append(',').append(k).append("=\"").append(v).append('"'));
                test.append("      - series: '").append(s.name()).append('{').append(labels).append("}'\n")
                        .append("        values: '").append(String.format(Locale.ROOT, "%s", s.value())).append("x5'\n");
            }
        }
        test.append("    alert_rule_test:\n      - eval_time: 3m\n        alertname: DbPoolExhausted\n"
                + "        exp_alerts:\n          - exp_labels: {severity: critical, pool: bulwark, instance: \"svc:8080\"}\n"
                + "            exp_annotations:\n              summary: \"Connection pool bulwark exhausted on svc:8080\"\n"
                + "              description: \"Every connection of pool bulwark is in use and requests wait for one, for a minute.\"\n"
                + "              runbook_url: \"https://bulwark.invalid/bulwark/blob/main/alerting/RUNBOOK.md#dbpoolexhausted\"\n");
        Files.writeString(dir.resolve("pool_test.yml"), test.toString());
        assertThat(promtool(dir, "test", "rules", "pool_test.yml")).contains("SUCCESS");
    }

    private static double value(Map<String, Exposition.Family> families, String sample) {
        for (Exposition.Family f : families.values()) {
            for (Exposition.Sample s : f.samples()) {
                if (s.name().equals(sample) && !s.labels().containsKey("quantile")) {
                    return s.value();
                }
            }
        }
        throw new AssertionError("no sample " + sample);
    }

    private static String promtool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (args[0].equals("check")) {
            pb.redirectInput(dir.resolve("metrics.prom").toFile());
        }
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out.trim();
    }
}
