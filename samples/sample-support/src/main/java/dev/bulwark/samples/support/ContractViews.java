package dev.bulwark.samples.support;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.alerting.Alert;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.TestAlertTooSoonException;
import dev.bulwark.alerting.Silence;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.Manifest;
import dev.bulwark.jwt.ActiveSession;
import dev.bulwark.sandbox.SandboxResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The contract's JSON answers as maps, field for field as the JDK sample writes them, for any
 * framework's JSON writer.
 */
public final class ContractViews {

    /** The backup health check: reported, but an old backup is no reason to stop serving. */
    public static final String BACKUP_HEALTH = BackupManager.HEALTH_CHECK_NAME;

    private ContractViews() {
    }

    /**
     * An answer: status and body.
     *
     * @param status the HTTP status
     * @param body the JSON body
     */
    public record Answer(int status, Map<String, Object> body) {
    }

    /**
     * {@code GET /health}: the Bulwark modules' checks of a registry (names {@code bulwark.*}), as
     * every sample reports them; a framework's own checks in the same registry (Dropwizard's
     * {@code deadlocks}) stay on the framework's endpoint.
     *
     * @param registry the service's health check registry
     * @return the answer
     */
    public static Answer health(HealthCheckRegistry registry) {
        return health(registry.runHealthChecks((name, check) -> name.startsWith("bulwark.")));
    }

    /**
     * {@code GET /health}: every check, 503 when a critical one (all but the backup's) is unhealthy.
     *
     * @param results the registry's results
     * @return the answer
     */
    public static Answer health(SortedMap<String, HealthCheck.Result> results) {
        boolean healthy = results.entrySet().stream().filter(e -> !e.getKey().equals(BACKUP_HEALTH))
                .allMatch(e -> e.getValue().isHealthy());
        Map<String, Object> checks = new LinkedHashMap<>();
        results.forEach((name, r) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("healthy", r.isHealthy());
            entry.put("critical", !name.equals(BACKUP_HEALTH));
            entry.put("message", r.getMessage());
            if (r.getDetails() != null) {
                entry.put("details", r.getDetails());
            }
            checks.put(name, entry);
        });
        return new Answer(healthy ? 200 : 503, Map.of("status", healthy ? "UP" : "DOWN", "checks", checks));
    }

    /**
     * {@code GET /auth/sessions}: the caller's sessions, never token material.
     *
     * @param sessions the sessions
     * @return the body
     */
    public static Map<String, Object> sessions(List<ActiveSession> sessions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ActiveSession s : sessions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("current", s.current());
            m.put("createdAt", s.createdAt().toString());
            m.put("lastUsedAt", s.lastUsedAt() == null ? null : s.lastUsedAt().toString());
            m.put("expiresAt", s.expiresAt().toString());
            m.put("client", s.clientHint());
            out.add(m);
        }
        return Map.of("sessions", out);
    }

    /**
     * {@code POST /sandbox/run}'s result.
     *
     * @param r the result
     * @return the body
     */
    public static Map<String, Object> sandboxResult(SandboxResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exitCode", r.exitCode());
        out.put("signal", r.signal());
        out.put("stdout", r.stdout());
        out.put("stderr", r.stderr());
        out.put("stdoutTruncated", r.stdoutTruncated());
        out.put("stderrTruncated", r.stderrTruncated());
        out.put("timedOut", r.timedOut());
        out.put("oomKilled", r.oomKilled());
        out.put("durationMs", r.duration().toMillis());
        return out;
    }

    /**
     * One backup.
     *
     * @param m its manifest
     * @return the body
     */
    public static Map<String, Object> backup(Manifest m) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", m.id());
        b.put("status", m.status().name());
        b.put("source", m.sourceKind());
        b.put("startedAt", m.startedAt().toString());
        b.put("finishedAt", m.finishedAt() == null ? null : m.finishedAt().toString());
        b.put("rawBytes", m.rawBytes());
        b.put("storedBytes", m.storedBytes());
        b.put("sha256", m.sha256());
        b.put("compression", m.compression());
        b.put("encryption", m.encryption());
        b.put("keyId", m.keyId());
        b.put("counts", m.counts());
        b.put("error", m.error());
        return b;
    }

    /**
     * {@code GET /admin/backups}: the store, its health and every backup.
     *
     * @param backups the manager
     * @return the body
     * @throws ContractFailure 503 when the store cannot be listed
     */
    public static Map<String, Object> backups(BackupManager backups) {
        List<Map<String, Object>> list = new ArrayList<>();
        try {
            for (Manifest m : backups.list()) {
                list.add(backup(m));
            }
        } catch (BackupException e) {
            throw new ContractFailure(503, "backup_store_unavailable", e.getMessage());
        }
        HealthCheck.Result health = backups.healthCheck().execute();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", backups.store().toString());
        out.put("healthy", health.isHealthy());
        out.put("message", health.getMessage());
        out.put("newestGoodAgeSeconds", backups.newestGoodAge().map(Duration::toSeconds).orElse(null));
        out.put("backups", list);
        return out;
    }

    /**
     * Sends a test alert: {@code {"queuedFor": n}} (0 when a silence naming the test alert mutes it).
     *
     * @param alerts the engine
     * @return the answer's body
     * @throws ContractFailure 429 {@code test_alert_too_soon} with {@code Retry-After} when this
     *         replica sent one less than {@code ALERT_TEST_MIN_INTERVAL_SECONDS} ago
     */
    public static Map<String, Object> testAlert(AlertEngine alerts) {
        try {
            return Map.of("queuedFor", alerts.sendTestAlert());
        } catch (TestAlertTooSoonException e) {
            throw new ContractFailure(429, "test_alert_too_soon", e.getMessage(), e.retryAfterSeconds());
        }
    }

    /**
     * {@code GET /admin/alerts}: active alerts with state, the number of rules, this instance and
     * whether it leads the cluster-wide rules.
     *
     * @param alerts the engine
     * @return the body
     */
    public static Map<String, Object> alerts(AlertEngine alerts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Alert a : alerts.activeAlerts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", a.name());
            m.put("state", a.state().name());
            m.put("severity", a.severity().label());
            m.put("fingerprint", a.fingerprint());
            m.put("labels", a.labels());
            m.put("annotations", a.annotations());
            m.put("value", Double.isFinite(a.value()) ? a.value() : null);
            m.put("activeSince", a.activeSince() == null ? null : a.activeSince().toString());
            m.put("firingSince", a.firingSince() == null ? null : a.firingSince().toString());
            m.put("resolvedAt", a.resolvedAt() == null ? null : a.resolvedAt().toString());
            m.put("unknown", a.unknown());
            out.add(m);
        }
        return Map.of("alerts", out, "rules", alerts.rules().size(), "instance", alerts.instance(), "leader", alerts.leader());
    }

    /**
     * {@code GET /admin/alerts/silences}.
     *
     * @param silences the silences in force
     * @return the body
     */
    public static Map<String, Object> silences(List<Silence> silences) {
        return Map.of("silences", silences.stream().map(ContractViews::silence).toList());
    }

    /**
     * One silence.
     *
     * @param s the silence
     * @return the body
     */
    public static Map<String, Object> silence(Silence s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("matchers", s.matchers());
        m.put("startsAt", s.startsAt().toString());
        m.put("endsAt", s.endsAt().toString());
        m.put("createdBy", s.createdBy());
        m.put("comment", s.comment());
        return m;
    }
}
