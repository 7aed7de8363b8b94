package dev.bulwark.samples.spring;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.alerting.Alert;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.backup.BackupAlreadyRunningException;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.Manifest;
import dev.bulwark.alerting.Silence;
import dev.bulwark.jwt.ActiveSession;
import dev.bulwark.jwt.AuthRequest;
import dev.bulwark.jwt.AuthResult;
import dev.bulwark.jwt.Authentication;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.LoginOutcome;
import dev.bulwark.jwt.LoginRefusal;
import dev.bulwark.jwt.Refusal;
import dev.bulwark.jwt.TokenStoreException;
import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolHealth;
import dev.bulwark.sandbox.SandboxBusyException;
import dev.bulwark.sandbox.SandboxException;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.sandbox.SandboxResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The HTTP contract of {@code shared/DESIGN.md}, endpoint for endpoint as the JDK sample answers it. */
@RestController
class ContractController {

    static final String DEMO_USER = DemoUsers.DEMO_USER;
    private static final Logger LOG = LoggerFactory.getLogger(ContractController.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private final JwtCookieAuth auth;
    private final LoginGuard loginGuard;
    private final DemoUsers users;
    private final NotesRepository notes;
    private final ConnectionPoolMonitor pool;
    private final HealthCheckRegistry healthChecks;
    private final ContractMetrics metrics;
    private final BackupManager backups;
    private final AlertEngine alerts;
    private final SandboxHolder sandbox;

    @SuppressWarnings("checkstyle:ParameterNumber")
    ContractController(JwtCookieAuth auth, LoginGuard loginGuard, DemoUsers users, NotesRepository notes,
            ConnectionPoolMonitor pool, HealthCheckRegistry healthChecks, ContractMetrics metrics, BackupManager backups,
            AlertEngine alerts, SandboxHolder sandbox) {
        this.auth = auth;
        this.loginGuard = loginGuard;
        this.users = users;
        this.notes = notes;
        this.pool = pool;
        this.healthChecks = healthChecks;
        this.metrics = metrics;
        this.backups = backups;
        this.alerts = alerts;
        this.sandbox = sandbox;
    }

    // ---- the page ----

    @GetMapping({"/", "/index.html", "/app.js"})
    ResponseEntity<byte[]> page(HttpServletRequest request) throws IOException {
        boolean js = request.getRequestURI().equals("/app.js");
        String resource = js ? "/static/app.js" : "/static/index.html";
        byte[] body;
        try (InputStream in = ContractController.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new Failure(404, "not_found", "no such path: " + request.getRequestURI());
            }
            body = in.readAllBytes();
        }
        return ResponseEntity.ok().header("Content-Security-Policy", CSP)
                .contentType(MediaType.parseMediaType(js ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8"))
                .body(body);
    }

    // ---- authentication ----

    /**
     * Login through the guard: JSON only (415), no cross-site or foreign origin (403), throttled
     * per user name and client (429 + Retry-After, also for the right password), Argon2id hashes,
     * and an unknown user name checked against a dummy hash so it takes as long as a known one.
     */
    @PostMapping("/auth/login")
    ResponseEntity<byte[]> login(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuthRequest view = JwtAuthServletFilter.request(request);
        Optional<LoginRefusal> refused = loginGuard.checkRequest(view);
        if (refused.isPresent()) {
            JwtAuthServletFilter.refuse(response, refused.get());
            return null;
        }
        JsonNode body = body(request);
        String username = text(body, "username", 200);
        String password = text(body, "password", 1000);
        LoginOutcome outcome;
        try {
            // Behind a reverse proxy listed in JWT_TRUSTED_PROXIES: the client from X-Forwarded-For.
            String client = loginGuard.clientAddress(view, JwtAuthServletFilter.clientAddress(request));
            outcome = loginGuard.attempt(username, client, () -> users.verify(username, password));
        } catch (TokenStoreException e) {
            LOG.warn("Login unavailable: {}", e.getMessage());
            throw new Failure(503, "auth_unavailable", "login is unavailable, try again later");
        }
        if (!outcome.succeeded()) {
            LOG.info("Login refused ({}) for a user name of {} characters", outcome.refusal().code(), username.length());
            JwtAuthServletFilter.refuse(response, outcome);
            return null;
        }
        List<String> roles = users.roles(username);
        auth.login(username, roles, view, JwtAuthServletFilter.response(response));
        return ContractErrors.json(200, Map.of("subject", username, "roles", roles));
    }

    @PostMapping("/auth/refresh")
    ResponseEntity<byte[]> refresh(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuthResult result = auth.refresh(JwtAuthServletFilter.request(request), JwtAuthServletFilter.response(response));
        if (!result.authenticated()) {
            JwtAuthServletFilter.refuse(response, result.refusal());
            return null;
        }
        return ContractErrors.json(200, Map.of("subject", result.authentication().subject(),
                "roles", result.authentication().roles()));
    }

    /** Logout; {@code {"all": true}} also ends every other session of the user ("log out everywhere"). */
    @PostMapping("/auth/logout")
    ResponseEntity<byte[]> logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean all = optionalBody(request).map(b -> b.path("all").asBoolean(false)).orElse(false);
        AuthResult caller = all ? auth.authenticate(JwtAuthServletFilter.request(request)) : null;
        Optional<Refusal> refused = auth.logout(JwtAuthServletFilter.request(request), JwtAuthServletFilter.response(response));
        if (refused.isPresent()) {
            JwtAuthServletFilter.refuse(response, refused.get());
            return null;
        }
        if (all) {
            if (!caller.authenticated()) {
                throw new Failure(401, "unauthenticated", "this session is logged out; log in again to end the others");
            }
            return ContractErrors.json(200, Map.of("endedSessions", auth.endAllSessions(caller.authentication().subject())));
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/auth/sessions")
    ResponseEntity<byte[]> sessions(HttpServletRequest request) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ActiveSession s : auth.sessions(caller(request))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("current", s.current());
            m.put("createdAt", s.createdAt().toString());
            m.put("lastUsedAt", s.lastUsedAt() == null ? null : s.lastUsedAt().toString());
            m.put("expiresAt", s.expiresAt().toString());
            m.put("client", s.clientHint());
            out.add(m);
        }
        return ContractErrors.json(200, Map.of("sessions", out));
    }

    @DeleteMapping("/auth/sessions/{id}")
    ResponseEntity<byte[]> endSession(@PathVariable("id") String id, HttpServletRequest request) {
        if (!SESSION_ID.matcher(id).matches() || !auth.endSession(caller(request), id)) {
            throw new Failure(404, "not_found", "no such session of yours");
        }
        return ResponseEntity.noContent().build();
    }

    // ---- the API ----

    @GetMapping("/api/me")
    ResponseEntity<byte[]> me(HttpServletRequest request) {
        Authentication caller = caller(request);
        return ContractErrors.json(200, Map.of("subject", caller.subject(), "roles", caller.roles()));
    }

    @PostMapping("/api/notes")
    ResponseEntity<byte[]> addNote(HttpServletRequest request) throws IOException {
        Authentication caller = caller(request);
        String text = text(body(request), "text", 2000);
        try {
            return ContractErrors.json(201, Map.of("id", notes.add(caller.subject(), text), "text", text));
        } catch (DataAccessException e) {
            LOG.warn("Could not save a note: {}", e.getMessage());
            throw new Failure(503, "database_unavailable", "the note could not be saved; try again");
        }
    }

    @PostMapping("/sandbox/run")
    ResponseEntity<byte[]> runSandbox(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (sandbox.sandbox() == null) {
            throw new Failure(503, "sandbox_unavailable", "no Docker sandbox: " + sandbox.unavailable());
        }
        JsonNode body = body(request);
        String language = text(body, "language", 20);
        if (!language.equals("python")) {
            throw new Failure(400, "bad_request", "language must be 'python'");
        }
        String code = text(body, "code", 60_000);
        JsonNode stdinNode = body.get("stdin");
        SandboxRequest run = SandboxRequest.python(code, stdinNode == null || stdinNode.isNull() ? "" : stdinNode.asText());
        JsonNode files = body.get("files");
        if (files != null && files.isObject()) {
            for (Map.Entry<String, JsonNode> f : files.properties()) {
                try {
                    run = run.withFile(f.getKey(), f.getValue().asText().getBytes(StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new Failure(400, "bad_request", e.getMessage());
                }
            }
        }
        SandboxResult r;
        try {
            r = sandbox.sandbox().run(run);
        } catch (SandboxBusyException e) {
            response.setHeader("Retry-After", "1");
            throw new Failure(503, "sandbox_busy", e.getMessage());
        } catch (SandboxException e) {
            throw new Failure(503, "sandbox_unavailable", e.getMessage());
        }
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
        return ContractErrors.json(200, out);
    }

    // ---- operations ----

    @GetMapping("/health")
    ResponseEntity<byte[]> health() {
        SortedMap<String, HealthCheck.Result> results = healthChecks.runHealthChecks();
        // Backup age is reported (and alerted on: BackupTooOld) but does not take the service out
        // of rotation: an old backup is no reason to stop serving requests.
        boolean healthy = results.entrySet().stream().filter(e -> !e.getKey().equals(BulwarkConfiguration.BACKUP_HEALTH))
                .allMatch(e -> e.getValue().isHealthy());
        Map<String, Object> checks = new LinkedHashMap<>();
        results.forEach((name, r) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("healthy", r.isHealthy());
            entry.put("critical", !name.equals(BulwarkConfiguration.BACKUP_HEALTH));
            entry.put("message", r.getMessage());
            if (r.getDetails() != null) {
                entry.put("details", r.getDetails());
            }
            checks.put(name, entry);
        });
        return ContractErrors.json(healthy ? 200 : 503, Map.of("status", healthy ? "UP" : "DOWN", "checks", checks));
    }

    @GetMapping("/health/db_pool")
    ResponseEntity<byte[]> poolHealth() {
        PoolHealth health = pool.check();
        return ResponseEntity.status(health.status() == PoolHealth.Status.UNHEALTHY ? 503 : 200)
                .contentType(MediaType.APPLICATION_JSON).body(health.toJson().getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping("/metrics")
    ResponseEntity<byte[]> metrics() throws IOException {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(PrometheusTextFormatWriter.CONTENT_TYPE))
                .body(metrics.scrape());
    }

    @PostMapping("/admin/backups")
    ResponseEntity<byte[]> takeBackup() {
        try {
            return ContractErrors.json(201, backupJson(backups.backup()));
        } catch (BackupAlreadyRunningException e) {
            throw new Failure(409, "backup_running", e.getMessage());
        } catch (BackupException e) {
            throw new Failure(503, "backup_failed", e.getMessage());
        }
    }

    @GetMapping("/admin/backups")
    ResponseEntity<byte[]> listBackups() {
        List<Map<String, Object>> list = new ArrayList<>();
        try {
            for (Manifest m : backups.list()) {
                list.add(backupJson(m));
            }
        } catch (BackupException e) {
            throw new Failure(503, "backup_store_unavailable", e.getMessage());
        }
        HealthCheck.Result health = backups.healthCheck().execute();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", backups.store().toString());
        out.put("healthy", health.isHealthy());
        out.put("message", health.getMessage());
        out.put("newestGoodAgeSeconds", backups.newestGoodAge().map(Duration::toSeconds).orElse(null));
        out.put("backups", list);
        return ContractErrors.json(200, out);
    }

    @GetMapping("/admin/alerts")
    ResponseEntity<byte[]> listAlerts() {
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
        return ContractErrors.json(200, Map.of("alerts", out, "rules", alerts.rules().size(), "instance", alerts.instance(),
                "leader", alerts.leader()));
    }

    @PostMapping("/admin/alerts/test")
    ResponseEntity<byte[]> testAlert() {
        return ContractErrors.json(202, Map.of("queuedFor", alerts.sendTestAlert()));
    }

    @GetMapping("/admin/alerts/silences")
    ResponseEntity<byte[]> listSilences() {
        return ContractErrors.json(200, Map.of("silences", alerts.silences().stream().map(ContractController::silenceJson)
                .toList()));
    }

    /** {@code {"matchers":{"alertname":"..."},"durationMinutes":60,"comment":"..."}}, as the JDK sample. */
    @PostMapping("/admin/alerts/silences")
    ResponseEntity<byte[]> addSilence(HttpServletRequest request) throws IOException {
        Authentication caller = caller(request);
        JsonNode body = body(request);
        Map<String, String> matchers = new LinkedHashMap<>();
        JsonNode m = body.get("matchers");
        if (m == null || !m.isObject()) {
            throw new Failure(400, "bad_request", "field 'matchers' is required: an object of label name to value");
        }
        m.properties().forEach(e -> matchers.put(e.getKey(), e.getValue().asText()));
        JsonNode minutes = body.get("durationMinutes");
        if (minutes == null || !minutes.canConvertToLong() || minutes.asLong() < 1) {
            throw new Failure(400, "bad_request", "field 'durationMinutes' is required: a whole number of minutes, at least 1");
        }
        String comment = body.hasNonNull("comment") ? text(body, "comment", 500) : "";
        try {
            Instant ends = Instant.now().plus(Duration.ofMinutes(Math.min(minutes.asLong(), AlertEngine.MAX_SILENCE.toMinutes() + 1)));
            return ContractErrors.json(201, silenceJson(alerts.silence(matchers, ends, caller.subject(), comment)));
        } catch (IllegalArgumentException e) {
            throw new Failure(400, "bad_request", e.getMessage());
        }
    }

    @DeleteMapping("/admin/alerts/silences/{id}")
    ResponseEntity<byte[]> endSilence(@PathVariable("id") String id) {
        if (!SESSION_ID.matcher(id).matches() || !alerts.expireSilence(id)) {
            throw new Failure(404, "not_found", "no such silence in force");
        }
        return ResponseEntity.noContent().build();
    }

    // ---- helpers ----

    private static Map<String, Object> silenceJson(Silence s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("matchers", s.matchers());
        m.put("startsAt", s.startsAt().toString());
        m.put("endsAt", s.endsAt().toString());
        m.put("createdBy", s.createdBy());
        m.put("comment", s.comment());
        return m;
    }

    private static Authentication caller(HttpServletRequest request) {
        Object caller = request.getAttribute(JwtAuthServletFilter.ATTRIBUTE);
        if (!(caller instanceof Authentication)) {
            throw new IllegalStateException("no caller: the authentication filter is not mapped to " + request.getRequestURI());
        }
        return (Authentication) caller;
    }

    private static Map<String, Object> backupJson(Manifest m) {
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

    private static JsonNode body(HttpServletRequest request) throws IOException {
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new Failure(413, "too_large", "request body above " + MAX_BODY + " bytes");
        }
        try {
            JsonNode node = ContractErrors.JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new Failure(400, "bad_request", "expected a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new Failure(400, "bad_request", "body is not valid JSON");
        }
    }

    private static Optional<JsonNode> optionalBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null) {
            return Optional.empty();
        }
        return Optional.of(body(request));
    }

    private static String text(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new Failure(400, "bad_request", "field '" + field + "' is required (a non-empty string)");
        }
        if (value.asText().length() > maxLength) {
            throw new Failure(400, "bad_request", "field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value.asText();
    }
}
