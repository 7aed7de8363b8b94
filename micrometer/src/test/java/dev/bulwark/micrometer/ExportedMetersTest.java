package dev.bulwark.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.AlertingSettings;
import dev.bulwark.alerting.LogNotifier;
import dev.bulwark.alerting.RulePack;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolSettings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins every meter the bridge exports — Micrometer name, tags and type, and the Prometheus series
 * names and types — for a registry holding the metrics of every Bulwark module: a real pool (H2),
 * a real authenticator and a real alert engine, plus the backup and sandbox metrics under the names
 * and kinds their modules register ({@code BackupManager}, {@code Sandbox},
 * {@code DockerSandboxRuntime}), a dropwizard histogram and a non-numeric gauge. A change of any
 * exported name, tag or type fails here.
 */
class ExportedMetersTest {

    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void everyModulesMetersKeepTheirNamesTagsAndTypes() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String secret = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(PoolSettings.builder().embeddedPath(dir.resolve("db"))
                .poolSize(1).maxOverflow(1).build(), metrics);
                AlertEngine alerts = AlertEngine.builder(metrics)
                        .settings(AlertingSettings.builder().instance("pod-a").notifier(new LogNotifier()).build())
                        .rules(RulePack.watchdog().build()).build();
                BulwarkMetrics bridge = new BulwarkMetrics(metrics, Tags.of("application", "shop"))) {
            bridge.bindTo(meters); // bound before some metrics exist: those are bridged as they appear
            JwtCookieAuth.create(JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret)), new InMemoryTokenStore(), metrics);
            metrics.counter("bulwark.jwt.refused.missing_token");
            for (String c : List.of("completed", "failures", "pruned", "verify_failures")) {
                metrics.counter("bulwark.backup." + c);
            }
            metrics.register("bulwark.backup.last_success_timestamp_seconds", (Gauge<Long>) () -> 0L);
            metrics.register("bulwark.backup.last_duration_seconds", (Gauge<Double>) () -> 0.0);
            metrics.register("bulwark.backup.last_size_bytes", (Gauge<Long>) () -> 0L);
            metrics.register("bulwark.backup.newest_good_age_seconds", (Gauge<Double>) () -> Double.NaN);
            for (String c : List.of("runs", "timeouts", "oom_kills", "output_cap_hits", "failures", "refused")) {
                metrics.counter("bulwark.sandbox." + c);
            }
            metrics.timer("bulwark.sandbox.duration");
            metrics.register("bulwark.sandbox.warm_pool.ready", (Gauge<Integer>) () -> 2);
            metrics.meter("bulwark.http.requests");
            metrics.histogram("app.payload.size");
            metrics.register("app.version", (Gauge<String>) () -> "1.2.3");

            List<String> ids = meters.getMeters().stream().map(ExportedMetersTest::id).sorted().toList();
            assertThat(ids).containsExactlyElementsOf(EXPECTED_METERS);
            assertThat(prometheusSeries(meters.scrape())).containsExactlyElementsOf(EXPECTED_SERIES);
        }
    }

    private static String id(Meter m) {
        return m.getId().getType() + " " + m.getId().getName() + m.getId().getTags().stream()
                .map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(",", "{", "}"));
    }

    private static List<String> prometheusSeries(String scrape) {
        Matcher m = TYPE.matcher(scrape);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(2) + " " + m.group(1));
        }
        out.sort(null);
        return out;
    }

    private static final List<String> EXPECTED_METERS = List.of(
            "COUNTER bulwark.alerting.evaluations{application=shop}",
            "COUNTER bulwark.alerting.notifications.dropped{application=shop,notifier=log}",
            "COUNTER bulwark.alerting.notifications.failed{application=shop,notifier=log}",
            "COUNTER bulwark.alerting.notifications.muted{application=shop}",
            "COUNTER bulwark.alerting.notifications.retried{application=shop,notifier=log}",
            "COUNTER bulwark.alerting.notifications.sent{application=shop,notifier=log}",
            "COUNTER bulwark.backup.completed{application=shop}",
            "COUNTER bulwark.backup.failures{application=shop}",
            "COUNTER bulwark.backup.pruned{application=shop}",
            "COUNTER bulwark.backup.verify_failures{application=shop}",
            "COUNTER bulwark.http.requests{application=shop}",
            "COUNTER bulwark.jwt.authenticated{application=shop}",
            "COUNTER bulwark.jwt.cache.hits{application=shop}",
            "COUNTER bulwark.jwt.logins{application=shop}",
            "COUNTER bulwark.jwt.logouts{application=shop}",
            "COUNTER bulwark.jwt.refreshes.grace{application=shop}",
            "COUNTER bulwark.jwt.refreshes{application=shop}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=algorithm_not_allowed}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=bad_signature}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=csrf_cross_site}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=csrf_origin}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=csrf_token}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=fingerprint_mismatch}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=malformed_token}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=missing_token}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=refresh_token_reused}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=session_expired}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=session_idle}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=session_refused}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=token_expired}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=token_not_yet_valid}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=token_revoked}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=token_too_large}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=unknown_key}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=wrong_audience}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=wrong_issuer}",
            "COUNTER bulwark.jwt.refused{application=shop,reason=wrong_token_type}",
            "COUNTER bulwark.pool.acquire.timeouts{application=shop,pool=bulwark}",
            "COUNTER bulwark.pool.exhaustion.events{application=shop,pool=bulwark}",
            "COUNTER bulwark.pool.exhaustion.seconds{application=shop,pool=bulwark}",
            "COUNTER bulwark.pool.leak.suspicions{application=shop,pool=bulwark}",
            "COUNTER bulwark.pool.overflow.opened{application=shop,pool=bulwark}",
            "COUNTER bulwark.pool.overflow.retired{application=shop,pool=bulwark}",
            "COUNTER bulwark.sandbox.failures{application=shop}",
            "COUNTER bulwark.sandbox.oom_kills{application=shop}",
            "COUNTER bulwark.sandbox.output_cap_hits{application=shop}",
            "COUNTER bulwark.sandbox.refused{application=shop}",
            "COUNTER bulwark.sandbox.runs{application=shop}",
            "COUNTER bulwark.sandbox.timeouts{application=shop}",
            "COUNTER hikaricp.connections.timeout{application=shop,pool=bulwark}",
            "GAUGE app.version{application=shop}",
            "GAUGE bulwark.alerting.alerts.firing{application=shop}",
            "GAUGE bulwark.alerting.alerts.pending{application=shop}",
            "GAUGE bulwark.alerting.evaluation.time.seconds.max{application=shop}",
            "GAUGE bulwark.alerting.queue.depth{application=shop}",
            "GAUGE bulwark.backup.last_duration_seconds{application=shop}",
            "GAUGE bulwark.backup.last_size_bytes{application=shop}",
            "GAUGE bulwark.backup.last_success_timestamp_seconds{application=shop}",
            "GAUGE bulwark.backup.newest_good_age_seconds{application=shop}",
            "GAUGE bulwark.pool.exhausted{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.fleet.connections{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.fleet.max_connections{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.fleet.replicas{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.overflow.active{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.overflow.open{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.peak_active{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.peak_pending{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.server.connections{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.server.limit.connections{application=shop,pool=bulwark}",
            "GAUGE bulwark.pool.utilisation{application=shop,pool=bulwark}",
            "GAUGE bulwark.sandbox.duration.seconds.max{application=shop}",
            "GAUGE bulwark.sandbox.warm_pool.ready{application=shop}",
            "GAUGE hikaricp.connections.acquire.seconds.max{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections.active{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections.creation.seconds.max{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections.idle{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections.max{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections.min{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections.pending{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections.usage.seconds.max{application=shop,pool=bulwark}",
            "GAUGE hikaricp.connections{application=shop,pool=bulwark}",
            "TIMER bulwark.alerting.evaluation.time{application=shop}",
            "TIMER bulwark.sandbox.duration{application=shop}",
            "TIMER hikaricp.connections.acquire{application=shop,pool=bulwark}",
            "TIMER hikaricp.connections.creation{application=shop,pool=bulwark}",
            "TIMER hikaricp.connections.usage{application=shop,pool=bulwark}");

    private static final List<String> EXPECTED_SERIES = List.of(
            "counter bulwark_alerting_evaluations_total",
            "counter bulwark_alerting_notifications_dropped_total",
            "counter bulwark_alerting_notifications_failed_total",
            "counter bulwark_alerting_notifications_muted_total",
            "counter bulwark_alerting_notifications_retried_total",
            "counter bulwark_alerting_notifications_sent_total",
            "counter bulwark_backup_completed_total",
            "counter bulwark_backup_failures_total",
            "counter bulwark_backup_pruned_total",
            "counter bulwark_backup_verify_failures_total",
            "counter bulwark_http_requests_total",
            "counter bulwark_jwt_authenticated_total",
            "counter bulwark_jwt_cache_hits_total",
            "counter bulwark_jwt_logins_total",
            "counter bulwark_jwt_logouts_total",
            "counter bulwark_jwt_refreshes_grace_total",
            "counter bulwark_jwt_refreshes_total",
            "counter bulwark_jwt_refused_total",
            "counter bulwark_pool_acquire_timeouts_total",
            "counter bulwark_pool_exhaustion_events_total",
            "counter bulwark_pool_exhaustion_seconds_total",
            "counter bulwark_pool_leak_suspicions_total",
            "counter bulwark_pool_overflow_opened_total",
            "counter bulwark_pool_overflow_retired_total",
            "counter bulwark_sandbox_failures_total",
            "counter bulwark_sandbox_oom_kills_total",
            "counter bulwark_sandbox_output_cap_hits_total",
            "counter bulwark_sandbox_refused_total",
            "counter bulwark_sandbox_runs_total",
            "counter bulwark_sandbox_timeouts_total",
            "counter hikaricp_connections_timeout_total",
            "gauge app_version",
            "gauge bulwark_alerting_alerts_firing",
            "gauge bulwark_alerting_alerts_pending",
            "gauge bulwark_alerting_evaluation_time_seconds_max",
            "gauge bulwark_alerting_queue_depth",
            "gauge bulwark_backup_last_duration_seconds",
            "gauge bulwark_backup_last_size_bytes",
            "gauge bulwark_backup_last_success_timestamp_seconds",
            "gauge bulwark_backup_newest_good_age_seconds",
            "gauge bulwark_pool_exhausted",
            "gauge bulwark_pool_fleet_connections",
            "gauge bulwark_pool_fleet_max_connections",
            "gauge bulwark_pool_fleet_replicas",
            "gauge bulwark_pool_overflow_active",
            "gauge bulwark_pool_overflow_open",
            "gauge bulwark_pool_peak_active",
            "gauge bulwark_pool_peak_pending",
            "gauge bulwark_pool_server_connections",
            "gauge bulwark_pool_server_limit_connections",
            "gauge bulwark_pool_utilisation",
            "gauge bulwark_sandbox_duration_seconds_max",
            "gauge bulwark_sandbox_warm_pool_ready",
            "gauge hikaricp_connections",
            "gauge hikaricp_connections_acquire_seconds_max",
            "gauge hikaricp_connections_active",
            "gauge hikaricp_connections_creation_seconds_max",
            "gauge hikaricp_connections_idle",
            "gauge hikaricp_connections_max",
            "gauge hikaricp_connections_min",
            "gauge hikaricp_connections_pending",
            "gauge hikaricp_connections_usage_seconds_max",
            "summary bulwark_alerting_evaluation_time_seconds",
            "summary bulwark_sandbox_duration_seconds",
            "summary hikaricp_connections_acquire_seconds",
            "summary hikaricp_connections_creation_seconds",
            "summary hikaricp_connections_usage_seconds");
}
