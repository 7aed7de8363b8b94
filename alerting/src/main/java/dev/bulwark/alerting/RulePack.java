package dev.bulwark.alerting;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The built-in critical alerts, each returning a builder so its thresholds, durations, labels and
 * severity can be changed before {@code build()}. Their Prometheus counterparts are in
 * {@code monitoring/alerting_rules.yml} (also the classpath resource
 * {@code dev/bulwark/alerting/alerting_rules.yml}).
 */
public final class RulePack {

    private RulePack() {
    }

    /**
     * Watchdog: always firing (info), per instance, so that a dead man's switch behind the
     * notifier (Alertmanager route, heartbeat service) notices when a replica stops sending it.
     *
     * @return the rule builder
     */
    public static AlertRule.Builder watchdog() {
        return AlertRule.builder("Watchdog").signal(new Signal() {
            @Override
            public double read(com.codahale.metrics.MetricRegistry metrics,
                    com.codahale.metrics.health.HealthCheckRegistry health, java.time.Instant now) {
                return 1;
            }

            @Override
            public String describe() {
                return "vector(1)";
            }
        }).above(0).severity(Severity.INFO)
                .summary("Alerting pipeline of {{labels.instance}} is alive (always firing)")
                .description("Always firing. Route it to a dead man's switch: if it stops arriving, this replica, its "
                        + "alert engine or the route is broken.");
    }

    /**
     * BackendDown: a health check failing for 1 minute.
     *
     * @param healthCheck name of the health check (e.g. {@code bulwark.pool.bulwark})
     * @return the rule builder
     */
    public static AlertRule.Builder backendDown(String healthCheck) {
        return AlertRule.builder("BackendDown").signal(Signals.healthy(healthCheck)).below(1)
                .forDuration(Duration.ofMinutes(1)).severity(Severity.CRITICAL).label("check", healthCheck)
                .summary("Health check {{labels.check}} is failing")
                .description("The health check {{labels.check}} has reported unhealthy for at least a minute.");
    }

    /**
     * BackendDown (heartbeat form): a heartbeat gauge (epoch milliseconds) older than {@code maxAge}.
     *
     * @param heartbeatGauge gauge updated by the backend
     * @param maxAge allowed age
     * @return the rule builder
     */
    public static AlertRule.Builder heartbeatMissing(String heartbeatGauge, Duration maxAge) {
        return AlertRule.builder("BackendDown").signal(Signals.heartbeatAge(heartbeatGauge)).above(maxAge.toSeconds())
                .severity(Severity.CRITICAL).label("heartbeat", heartbeatGauge)
                .summary("No heartbeat from {{labels.heartbeat}} for {{value}} s (limit {{threshold}} s)");
    }

    /**
     * HighErrorRate: server errors above 5 % of requests over 5 minutes, with at least 100
     * requests in the window, for 5 minutes.
     *
     * @param errors meter/counter of 5xx responses (e.g. {@code bulwark.http.responses.5xx})
     * @param requests meter/counter of all requests (e.g. {@code bulwark.http.requests})
     * @return the rule builder
     */
    public static AlertRule.Builder highErrorRate(String errors, String requests) {
        return AlertRule.builder("HighErrorRate").signal(Signals.ratio(errors, requests, Duration.ofMinutes(5), 100))
                .above(0.05).forDuration(Duration.ofMinutes(5)).keepFiringFor(Duration.ofMinutes(2))
                .severity(Severity.CRITICAL)
                .summary("Error ratio {{value}} above {{threshold}} over 5 minutes");
    }

    /**
     * DbPoolExhausted: threads waiting for a connection with the pool at its maximum, for 1
     * minute. Reads the pool's HikariCP metrics by name; no dependency on bulwark-db-pool.
     *
     * @param poolName the HikariCP pool name (e.g. {@code bulwark})
     * @return the rule builder
     */
    public static AlertRule.Builder dbPoolExhausted(String poolName) {
        return AlertRule.builder("DbPoolExhausted").signal(Signals.poolExhausted(poolName)).above(0.5)
                .forDuration(Duration.ofMinutes(1)).severity(Severity.CRITICAL).label("pool", poolName)
                .summary("Connection pool {{labels.pool}} exhausted: all connections busy and threads waiting");
    }

    /**
     * HighQueueDepth: a gauge above a threshold for 5 minutes.
     *
     * @param queueGauge the queue-depth gauge
     * @param threshold depth that is too deep
     * @return the rule builder
     */
    public static AlertRule.Builder highQueueDepth(String queueGauge, double threshold) {
        return AlertRule.builder("HighQueueDepth").signal(Signals.gauge(queueGauge)).above(threshold)
                .forDuration(Duration.ofMinutes(5)).severity(Severity.WARNING).label("queue", queueGauge)
                .summary("Queue {{labels.queue}} depth {{value}} above {{threshold}}");
    }

    /**
     * DiskSpaceLow: usable space of the file system holding {@code path} below a percentage.
     *
     * @param path a path on the file system
     * @param minFreePercent e.g. 10
     * @return the rule builder
     */
    public static AlertRule.Builder diskSpaceLow(Path path, double minFreePercent) {
        return AlertRule.builder("DiskSpaceLow").signal(Signals.diskFreePercent(path)).below(minFreePercent)
                .forDuration(Duration.ofMinutes(5)).severity(Severity.CRITICAL).label("path", path.toString())
                .summary("Only {{value}} % free on {{labels.path}} (minimum {{threshold}} %)");
    }

    /**
     * DiskFillingUp (the trend half of DiskSpaceLow): at the last hour's trend the file system
     * holding {@code path} is full within {@code hours}.
     *
     * @param path a path on the file system
     * @param hours warning horizon, e.g. 4
     * @return the rule builder
     */
    public static AlertRule.Builder diskFillingUp(Path path, double hours) {
        return AlertRule.builder("DiskFillingUp").signal(Signals.diskHoursUntilFull(path, Duration.ofHours(1)))
                .below(hours).forDuration(Duration.ofMinutes(10)).severity(Severity.WARNING).label("path", path.toString())
                .summary("{{labels.path}} is predicted full in {{value}} h (horizon {{threshold}} h)");
    }
}
