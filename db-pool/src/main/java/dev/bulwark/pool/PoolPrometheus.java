package dev.bulwark.pool;

import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import dev.bulwark.pool.internal.SummaryTimer;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus exposition of pool metrics through the official Prometheus Java client, named and
 * typed as Micrometer's HikariCP binding exposes them (what Spring Boot users' dashboards and
 * alert rules query), label {@code pool}; ours are {@code bulwark_pool_*}.
 *
 * <table>
 *   <caption>Exposed series (label {@code pool})</caption>
 *   <tr><th>series</th><th>type</th></tr>
 *   <tr><td>{@code hikaricp_connections}, {@code _active}, {@code _idle}, {@code _pending}, {@code _max}, {@code _min}</td><td>gauge</td></tr>
 *   <tr><td>{@code hikaricp_connections_timeout_total}</td><td>counter</td></tr>
 *   <tr><td>{@code hikaricp_connections_acquire_seconds}, {@code _usage_seconds}, {@code _creation_seconds}</td><td>summary ({@code _count}, {@code _sum}, quantiles) plus a {@code _max} gauge over {@code DB_POOL_PEAK_WINDOW_MS}</td></tr>
 *   <tr><td>{@code bulwark_pool_utilisation}, {@code _peak_active}, {@code _peak_pending}, {@code _exhausted}, {@code _overflow_active}, {@code _overflow_open}, {@code _fleet_connections}, {@code _fleet_max_connections}, {@code _fleet_replicas}, {@code _server_connections}, {@code _server_limit_connections}</td><td>gauge</td></tr>
 *   <tr><td>{@code bulwark_pool_exhaustion_events_total}, {@code _exhaustion_seconds_total}, {@code _leak_suspicions_total}, {@code _acquire_timeouts_total}, {@code _overflow_opened_total}, {@code _overflow_retired_total}</td><td>counter</td></tr>
 * </table>
 *
 * <p>Gauges and counters go through the client's dropwizard bridge; the three timing summaries
 * and the exhaustion-seconds counter are built with the client's own model, because a dropwizard
 * snapshot has no sum and a dropwizard counter no fraction. An application exporting its whole
 * registry does so with {@link #otherMetrics()} as the bridge's filter and {@link #register} for
 * the pool.
 */
public final class PoolPrometheus {

    private static final Pattern TIMING = Pattern.compile("(.+)\\.pool\\.(Wait|Usage|ConnectionCreation)");
    private static final Pattern EXHAUSTION_SECONDS = Pattern.compile("bulwark\\.pool\\.(.+)\\.exhaustion\\.seconds");
    private static final Map<String, String> TIMING_NAMES = Map.of(
            "Wait", "hikaricp_connections_acquire_seconds",
            "Usage", "hikaricp_connections_usage_seconds",
            "ConnectionCreation", "hikaricp_connections_creation_seconds");
    private static final Map<String, String> TIMING_HELP = Map.of(
            "Wait", "Connection acquire time",
            "Usage", "Connection usage time",
            "ConnectionCreation", "Connection creation time");
    private static final String[] HIKARI_SERIES = {"TotalConnections", "ActiveConnections", "IdleConnections",
        "PendingConnections", "MaxConnections", "MinConnections", "ConnectionTimeoutRate", "Wait", "Usage",
        "ConnectionCreation"};
    private static final double NANOS_PER_SECOND = 1e9;

    private PoolPrometheus() {
    }

    /**
     * The name mappings of the pool metrics the dropwizard bridge exports, for a
     * {@link CustomLabelMapper}. The timers map to their Micrometer names too, so a bridge given
     * these mappings alone still exposes them as summaries in seconds, but without {@code _sum}
     * and {@code _max}: prefer {@link #register}.
     *
     * @return mapper configurations, first match wins
     */
    public static List<MapperConfig> mappings() {
        List<MapperConfig> out = new ArrayList<>();
        Map<String, String> hikari = new LinkedHashMap<>();
        hikari.put("TotalConnections", "hikaricp_connections");
        hikari.put("ActiveConnections", "hikaricp_connections_active");
        hikari.put("IdleConnections", "hikaricp_connections_idle");
        hikari.put("PendingConnections", "hikaricp_connections_pending");
        hikari.put("MaxConnections", "hikaricp_connections_max");
        hikari.put("MinConnections", "hikaricp_connections_min");
        hikari.put("ConnectionTimeoutRate_total", "hikaricp_connections_timeout");
        hikari.putAll(TIMING_NAMES);
        hikari.forEach((metric, name) -> out.add(new MapperConfig("*.pool." + metric, name, Map.of("pool", "${0}"))));
        // The bridge (1.4.x) looks a meter's name up with "_total" appended but its labels up
        // without it, so the timeout meter needs both entries to get its name and its label.
        out.add(new MapperConfig("*.pool.ConnectionTimeoutRate", "hikaricp_connections_timeout", Map.of("pool", "${0}")));
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put("utilisation", "bulwark_pool_utilisation");
        ours.put("peak_active", "bulwark_pool_peak_active");
        ours.put("peak_pending", "bulwark_pool_peak_pending");
        ours.put("exhausted", "bulwark_pool_exhausted");
        ours.put("exhaustion.events", "bulwark_pool_exhaustion_events");
        ours.put("exhaustion.seconds", "bulwark_pool_exhaustion_seconds");
        ours.put("leak.suspicions", "bulwark_pool_leak_suspicions");
        ours.put("acquire.timeouts", "bulwark_pool_acquire_timeouts");
        ours.put("overflow.active", "bulwark_pool_overflow_active");
        ours.put("overflow.open", "bulwark_pool_overflow_open");
        ours.put("overflow.opened", "bulwark_pool_overflow_opened");
        ours.put("overflow.retired", "bulwark_pool_overflow_retired");
        ours.put("fleet.connections", "bulwark_pool_fleet_connections");
        ours.put("fleet.max_connections", "bulwark_pool_fleet_max_connections");
        ours.put("fleet.replicas", "bulwark_pool_fleet_replicas");
        ours.put("server.connections", "bulwark_pool_server_connections");
        ours.put("server.limit", "bulwark_pool_server_limit_connections");
        ours.forEach((metric, name) -> out.add(new MapperConfig("bulwark.pool.*." + metric, name, Map.of("pool", "${0}"))));
        return out;
    }

    /**
     * Whether a dropwizard metric name is one of a monitored pool's.
     *
     * @param name dropwizard metric name
     * @return true for {@code bulwark.pool.*} and HikariCP's {@code <pool>.pool.*} series
     */
    static boolean isPoolMetric(String name) {
        if (name.startsWith("bulwark.pool.")) {
            return true;
        }
        int dot = name.indexOf(".pool.");
        if (dot <= 0) {
            return false;
        }
        String series = name.substring(dot + ".pool.".length());
        for (String s : HIKARI_SERIES) {
            if (s.equals(series)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A filter for a dropwizard bridge that exports the rest of a registry: everything except the
     * pool metrics, which {@link #register} exports.
     *
     * @return the filter
     */
    public static MetricFilter otherMetrics() {
        return (name, metric) -> !isPoolMetric(name);
    }

    /**
     * Exports the pool metrics of {@code registry} (and only those) to {@code prometheus}.
     *
     * @param registry the dropwizard registry the pool was started with
     * @param prometheus the Prometheus registry to add to
     */
    public static void register(MetricRegistry registry, PrometheusRegistry prometheus) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(prometheus, "prometheus");
        DropwizardExports.builder()
                .dropwizardRegistry(registry)
                .metricFilter((name, metric) -> isPoolMetric(name) && !ownModel(name, metric))
                .customLabelMapper(new CustomLabelMapper(mappings()))
                .register(prometheus);
        prometheus.register(new Summaries(registry));
    }

    private static boolean ownModel(String name, Metric metric) {
        return metric instanceof SummaryTimer && TIMING.matcher(name).matches()
                || EXHAUSTION_SECONDS.matcher(name).matches();
    }

    /** The timing summaries with {@code _sum} and {@code _max}, and the exhaustion-seconds counter. */
    private static final class Summaries implements MultiCollector {
        private final MetricRegistry registry;

        Summaries(MetricRegistry registry) {
            this.registry = registry;
        }

        @Override
        public MetricSnapshots collect() {
            Map<String, SummarySnapshot.Builder> summaries = new LinkedHashMap<>();
            Map<String, GaugeSnapshot.Builder> maxima = new LinkedHashMap<>();
            for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
                Matcher m = TIMING.matcher(e.getKey());
                if (!m.matches() || !(e.getValue() instanceof SummaryTimer)) {
                    continue;
                }
                SummaryTimer timer = (SummaryTimer) e.getValue();
                String name = TIMING_NAMES.get(m.group(2));
                Labels labels = Labels.of("pool", m.group(1));
                Snapshot s = timer.getSnapshot();
                summaries.computeIfAbsent(name, n -> SummarySnapshot.builder().name(n).help(TIMING_HELP.get(m.group(2)))
                        .unit(Unit.SECONDS)).dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                        .labels(labels)
                        .count(timer.getCount())
                        .sum(timer.sumNanos() / NANOS_PER_SECOND)
                        .quantiles(Quantiles.builder()
                                .quantile(0.5, s.getMedian() / NANOS_PER_SECOND)
                                .quantile(0.95, s.get95thPercentile() / NANOS_PER_SECOND)
                                .quantile(0.99, s.get99thPercentile() / NANOS_PER_SECOND)
                                .build())
                        .build());
                maxima.computeIfAbsent(name + "_max", n -> GaugeSnapshot.builder().name(n)
                        .help(TIMING_HELP.get(m.group(2)) + ", maximum over DB_POOL_PEAK_WINDOW_MS"))
                        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                                .value(timer.windowMax().get() / NANOS_PER_SECOND).build());
            }
            CounterSnapshot.Builder exhaustion = CounterSnapshot.builder().name("bulwark_pool_exhaustion_seconds")
                    .help("Time the pool spent exhausted").unit(Unit.SECONDS);
            List<CounterSnapshot.CounterDataPointSnapshot> exhausted = new ArrayList<>();
            registry.getGauges((name, metric) -> EXHAUSTION_SECONDS.matcher(name).matches()).forEach((name, gauge) -> {
                Matcher m = EXHAUSTION_SECONDS.matcher(name);
                Object value = gauge.getValue();
                if (m.matches() && value instanceof Number) {
                    exhausted.add(CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(Labels.of("pool", m.group(1))).value(((Number) value).doubleValue()).build());
                }
            });
            exhausted.forEach(exhaustion::dataPoint);
            MetricSnapshots.Builder out = MetricSnapshots.builder();
            summaries.values().forEach(b -> out.metricSnapshot(b.build()));
            maxima.values().forEach(b -> out.metricSnapshot(b.build()));
            if (!exhausted.isEmpty()) {
                out.metricSnapshot(exhaustion.build());
            }
            return out.build();
        }
    }
}
