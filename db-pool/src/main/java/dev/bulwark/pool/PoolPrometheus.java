package dev.bulwark.pool;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prometheus exposition of pool metrics through the official Prometheus Java client's dropwizard
 * bridge. Hikari's metrics get the names the HikariCP/Micrometer dashboards and alert rules use
 * ({@code hikaricp_connections_active{pool="..."}} ...); ours are {@code bulwark_pool_*}.
 *
 * <table>
 *   <caption>Exposed series (label {@code pool})</caption>
 *   <tr><th>series</th><th>from</th></tr>
 *   <tr><td>{@code hikaricp_connections}, {@code _active}, {@code _idle}, {@code _pending}, {@code _max}, {@code _min}</td><td>Hikari gauges</td></tr>
 *   <tr><td>{@code hikaricp_connections_timeout_total}</td><td>Hikari's timeout meter</td></tr>
 *   <tr><td>{@code hikaricp_connections_acquire_seconds} (summary)</td><td>Hikari's acquire timer</td></tr>
 *   <tr><td>{@code hikaricp_connections_usage_milliseconds}, {@code hikaricp_connections_creation_milliseconds} (summaries)</td><td>Hikari's histograms</td></tr>
 *   <tr><td>{@code bulwark_pool_utilisation}, {@code bulwark_pool_peak_active}, {@code bulwark_pool_peak_pending}, {@code bulwark_pool_exhausted}</td><td>monitor gauges</td></tr>
 *   <tr><td>{@code bulwark_pool_exhaustion_events_total}, {@code bulwark_pool_exhaustion_seconds}, {@code bulwark_pool_leak_suspicions}, {@code bulwark_pool_acquire_timeouts}</td><td>monitor</td></tr>
 * </table>
 */
public final class PoolPrometheus {

    private PoolPrometheus() {
    }

    /**
     * The name mappings for pool metrics, to combine with other modules' mappings in one
     * {@link CustomLabelMapper} when a whole registry is exported once.
     *
     * @return mapper configurations, first match wins
     */
    public static List<MapperConfig> mappings() {
        List<MapperConfig> out = new ArrayList<>();
        Map<String, String> hikari = Map.of(
                "TotalConnections", "hikaricp_connections",
                "ActiveConnections", "hikaricp_connections_active",
                "IdleConnections", "hikaricp_connections_idle",
                "PendingConnections", "hikaricp_connections_pending",
                "MaxConnections", "hikaricp_connections_max",
                "MinConnections", "hikaricp_connections_min",
                "ConnectionTimeoutRate_total", "hikaricp_connections_timeout",
                "Wait", "hikaricp_connections_acquire_seconds",
                "Usage", "hikaricp_connections_usage_milliseconds",
                "ConnectionCreation", "hikaricp_connections_creation_milliseconds");
        hikari.forEach((metric, name) -> out.add(new MapperConfig("*.pool." + metric, name, Map.of("pool", "${0}"))));
        // The bridge (1.4.x) looks a meter's name up with "_total" appended but its labels up
        // without it, so the timeout meter needs both entries to get its name and its label.
        out.add(new MapperConfig("*.pool.ConnectionTimeoutRate", "hikaricp_connections_timeout", Map.of("pool", "${0}")));
        Map<String, String> ours = Map.of(
                "utilisation", "bulwark_pool_utilisation",
                "peak_active", "bulwark_pool_peak_active",
                "peak_pending", "bulwark_pool_peak_pending",
                "exhausted", "bulwark_pool_exhausted",
                "exhaustion.events", "bulwark_pool_exhaustion_events",
                "exhaustion.seconds", "bulwark_pool_exhaustion_seconds",
                "leak.suspicions", "bulwark_pool_leak_suspicions",
                "acquire.timeouts", "bulwark_pool_acquire_timeouts");
        ours.forEach((metric, name) -> out.add(new MapperConfig("bulwark.pool.*." + metric, name, Map.of("pool", "${0}"))));
        return out;
    }

    /**
     * Exports the pool metrics of {@code registry} (and only those) to {@code prometheus}.
     * To export a whole registry once, build a {@link DropwizardExports} yourself with
     * {@link #mappings()} plus your own.
     *
     * @param registry the dropwizard registry the pool was started with
     * @param prometheus the Prometheus registry to add to
     */
    public static void register(MetricRegistry registry, PrometheusRegistry prometheus) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(prometheus, "prometheus");
        DropwizardExports.builder()
                .dropwizardRegistry(registry)
                .metricFilter((name, metric) -> name.startsWith("bulwark.pool.") || name.contains(".pool."))
                .customLabelMapper(new CustomLabelMapper(mappings()))
                .register(prometheus);
    }
}
