package dev.bulwark.samples.spring;

import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.backup.BackupAlreadyRunningException;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupManager;
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
import dev.bulwark.samples.support.ContractFailure;
import dev.bulwark.samples.support.ContractMetrics;
import dev.bulwark.samples.support.ContractViews;
import dev.bulwark.samples.support.JsonBody;
import dev.bulwark.samples.support.SampleSandbox;
import dev.bulwark.samples.support.Users;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

/**
 * The HTTP contract of {@code shared/DESIGN.md}, endpoint for endpoint as the JDK sample answers
 * it: the JSON bodies in and out are {@code sample-support}'s ({@link JsonBody},
 * {@link ContractViews}), shared by every sample.
 */
@RestController
class ContractController {

    private static final Logger LOG = LoggerFactory.getLogger(ContractController.class);
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private final JwtCookieAuth auth;
    private final LoginGuard loginGuard;
    private final Users users;
    private final NotesRepository notes;
    private final ConnectionPoolMonitor pool;
    private final HealthCheckRegistry healthChecks;
    private final ContractMetrics metrics;
    private final BackupManager backups;
    private final AlertEngine alerts;
    private final SampleSandbox sandbox;
    private final Clock clock = Clock.systemUTC();

    @SuppressWarnings("checkstyle:ParameterNumber")
    ContractController(JwtCookieAuth auth, LoginGuard loginGuard, Users users, NotesRepository notes,
            ConnectionPoolMonitor pool, HealthCheckRegistry healthChecks, ContractMetrics metrics, BackupManager backups,
            AlertEngine alerts, SampleSandbox sandbox) {
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
                throw new ContractFailure(404, "not_found", "no such path: " + request.getRequestURI());
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
        String username = JsonBody.text(body, "username", 200);
        String password = JsonBody.text(body, "password", 1000);
        LoginOutcome outcome;
        try {
            // Behind a reverse proxy listed in JWT_TRUSTED_PROXIES: the client from X-Forwarded-For.
            String client = loginGuard.clientAddress(view, JwtAuthServletFilter.clientAddress(request));
            outcome = loginGuard.attempt(username, client, () -> users.check(username, password));
        } catch (TokenStoreException e) {
            LOG.warn("Login unavailable: {}", e.getMessage());
            throw new ContractFailure(503, "auth_unavailable", "login is unavailable, try again later");
        }
        if (!outcome.succeeded()) {
            LOG.info("Login refused ({}) for a user name of {} characters", outcome.refusal().code(), username.length());
            JwtAuthServletFilter.refuse(response, outcome);
            return null;
        }
        List<String> roles = users.roles(username).orElseThrow();
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
                throw new ContractFailure(401, "unauthenticated", "this session is logged out; log in again to end the others");
            }
            return ContractErrors.json(200, Map.of("endedSessions", auth.endAllSessions(caller.authentication().subject())));
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/auth/sessions")
    ResponseEntity<byte[]> sessions(HttpServletRequest request) {
        return ContractErrors.json(200, ContractViews.sessions(auth.sessions(caller(request))));
    }

    @DeleteMapping("/auth/sessions/{id}")
    ResponseEntity<byte[]> endSession(@PathVariable("id") String id, HttpServletRequest request) {
        if (!SESSION_ID.matcher(id).matches() || !auth.endSession(caller(request), id)) {
            throw new ContractFailure(404, "not_found", "no such session of yours");
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
        String text = JsonBody.text(body(request), "text", 2000);
        try {
            return ContractErrors.json(201, Map.of("id", notes.add(caller.subject(), text), "text", text));
        } catch (DataAccessException e) {
            LOG.warn("Could not save a note: {}", e.getMessage());
            throw new ContractFailure(503, "database_unavailable", "the note could not be saved; try again");
        }
    }

    @PostMapping("/sandbox/run")
    ResponseEntity<byte[]> runSandbox(HttpServletRequest request, HttpServletResponse response) throws IOException {
        sandbox.available();
        try {
            return ContractErrors.json(200, ContractViews.sandboxResult(sandbox.run(JsonBody.sandboxRequest(body(request)))));
        } catch (ContractFailure f) {
            if (f.code().equals("sandbox_busy")) {
                response.setHeader("Retry-After", "1");
            }
            throw f;
        }
    }

    // ---- operations ----

    @GetMapping("/health")
    ResponseEntity<byte[]> health() {
        ContractViews.Answer answer = ContractViews.health(healthChecks);
        return ContractErrors.json(answer.status(), answer.body());
    }

    @GetMapping("/health/db_pool")
    ResponseEntity<byte[]> poolHealth() {
        PoolHealth health = pool.check();
        return ResponseEntity.status(health.status() == PoolHealth.Status.UNHEALTHY ? 503 : 200)
                .contentType(MediaType.APPLICATION_JSON).body(health.toJson().getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping("/metrics")
    ResponseEntity<byte[]> metrics() throws IOException {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(ContractMetrics.CONTENT_TYPE))
                .body(metrics.scrape());
    }

    @PostMapping("/admin/backups")
    ResponseEntity<byte[]> takeBackup() {
        try {
            return ContractErrors.json(201, ContractViews.backup(backups.backup()));
        } catch (BackupAlreadyRunningException e) {
            throw new ContractFailure(409, "backup_running", e.getMessage());
        } catch (BackupException e) {
            throw new ContractFailure(503, "backup_failed", e.getMessage());
        }
    }

    @GetMapping("/admin/backups")
    ResponseEntity<byte[]> listBackups() {
        return ContractErrors.json(200, ContractViews.backups(backups));
    }

    @GetMapping("/admin/alerts")
    ResponseEntity<byte[]> listAlerts() {
        return ContractErrors.json(200, ContractViews.alerts(alerts));
    }

    @PostMapping("/admin/alerts/test")
    ResponseEntity<byte[]> testAlert() {
        return ContractErrors.json(202, ContractViews.testAlert(alerts));
    }

    @GetMapping("/admin/alerts/silences")
    ResponseEntity<byte[]> listSilences() {
        return ContractErrors.json(200, ContractViews.silences(alerts.silences()));
    }

    /** {@code {"matchers":{"alertname":"..."},"durationMinutes":60,"comment":"..."}}, as the JDK sample. */
    @PostMapping("/admin/alerts/silences")
    ResponseEntity<byte[]> addSilence(HttpServletRequest request) throws IOException {
        Authentication caller = caller(request);
        JsonBody.SilenceRequest s = JsonBody.silence(body(request), clock.instant());
        try {
            return ContractErrors.json(201, ContractViews.silence(alerts.silence(s.matchers(), s.endsAt(), caller.subject(),
                    s.comment())));
        } catch (IllegalArgumentException e) {
            throw new ContractFailure(400, "bad_request", e.getMessage());
        }
    }

    @DeleteMapping("/admin/alerts/silences/{id}")
    ResponseEntity<byte[]> endSilence(@PathVariable("id") String id) {
        if (!SESSION_ID.matcher(id).matches() || !alerts.expireSilence(id)) {
            throw new ContractFailure(404, "not_found", "no such silence in force");
        }
        return ResponseEntity.noContent().build();
    }

    // ---- helpers ----

    private static Authentication caller(HttpServletRequest request) {
        Object caller = request.getAttribute(JwtAuthServletFilter.ATTRIBUTE);
        if (!(caller instanceof Authentication)) {
            throw new IllegalStateException("no caller: the authentication filter is not mapped to " + request.getRequestURI());
        }
        return (Authentication) caller;
    }

    private static JsonNode body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return JsonBody.read(in);
        }
    }

    private static Optional<JsonNode> optionalBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null) {
            return Optional.empty();
        }
        return Optional.of(body(request));
    }
}
