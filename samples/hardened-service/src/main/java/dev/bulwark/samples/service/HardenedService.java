package dev.bulwark.samples.service;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.backup.BackupAlreadyRunningException;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupScheduler;
import dev.bulwark.jwt.Argon2idPasswordHasher;
import dev.bulwark.jwt.AuthResult;
import dev.bulwark.jwt.Authentication;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.LoginOutcome;
import dev.bulwark.jwt.LoginRefusal;
import dev.bulwark.jwt.Refusal;
import dev.bulwark.jwt.TokenStoreException;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolHealth;
import dev.bulwark.pool.PoolSettings;
import dev.bulwark.samples.support.ContractFailure;
import dev.bulwark.samples.support.ContractMetrics;
import dev.bulwark.samples.support.ContractViews;
import dev.bulwark.samples.support.JsonBody;
import dev.bulwark.samples.support.Notes;
import dev.bulwark.samples.support.SampleModules;
import dev.bulwark.samples.support.SampleSandbox;
import dev.bulwark.samples.support.ServiceSettings;
import dev.bulwark.samples.support.Users;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hardened sample service: one JDK {@link HttpServer} process wiring the Bulwark modules with
 * the HTTP contract of {@code shared/DESIGN.md}. Settings: {@code PORT} (8080), {@code DATA_DIR}
 * ({@code ./data}), {@code DEMO_PASSWORD} (else generated and printed once),
 * {@code DEMO_TRADER_PASSWORD} (when set, a user {@code trader} with the trader role only), plus
 * the modules' variables ({@code DB_*}, {@code JWT_*}), read by {@code sample-support}'s
 * {@link ServiceSettings} as in every sample.
 */
public final class HardenedService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HardenedService.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    private static final AtomicInteger WORKERS = new AtomicInteger();

    /** Worker threads: enough that slow clients, cut after the read timeout, cannot take them all. */
    static final int MAX_WORKERS = 256;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock = Clock.systemUTC();
    private final MetricRegistry metrics = new MetricRegistry();
    private final HealthCheckRegistry healthChecks = new HealthCheckRegistry();
    private final ContractMetrics prometheus;
    private final ConnectionPoolMonitor pool;
    private final Notes notes;
    private final JwtCookieAuth auth;
    private final LoginGuard loginGuard;
    private final Users users;
    private final BackupManager backups;
    private final BackupScheduler backupScheduler;
    private final AlertEngine alerts;
    private final SampleSandbox sandbox;
    private final String url;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle and the
        // client's delayed ACK add ~40 ms to every response. Must be set before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // The JDK server has no read timeout by default: a client that sends half a request and
        // stops holds a worker thread forever. Cut any request not read in full within
        // HTTP_READ_TIMEOUT_SECONDS (default 30, at most 30). JVM-wide; read when the first server starts.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime",
                    Long.toString(ServiceSettings.readTimeoutSeconds(System.getenv())));
        }
    }

    private HardenedService(ServiceSettings settings) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 64);
        int port = server.getAddress().getPort();
        this.url = ServiceSettings.url(port);
        // Every module comes from its builder running and stops with close(), in reverse order (close()).
        try {
            PoolSettings poolSettings = PoolSettings.fromEnvironment(settings.env());
            this.pool = ConnectionPoolMonitor.create(poolSettings, metrics, healthChecks);
            this.notes = new Notes(pool.dataSource(), clock).createTable();
            this.auth = JwtCookieAuth.create(settings.jwtSettings(() -> port),
                    SampleModules.tokenStore(poolSettings, pool.dataSource()), metrics);
            // Login attempts are throttled per user name and client, shared by every replica on one
            // database when DB_URL is set (in this process's memory on the embedded default).
            this.loginGuard = LoginGuard.create(settings.loginGuardSettings(() -> port),
                    SampleModules.throttleStore(poolSettings, pool.dataSource()), metrics);
            this.users = Users.create(settings, Argon2idPasswordHasher.fromEnvironment(settings.env()));
            this.backups = SampleModules.backups(settings, poolSettings, pool.dataSource(), metrics, healthChecks);
            this.backupScheduler = BackupScheduler.create(backups);
            this.alerts = SampleModules.alertEngine(settings, poolSettings, pool.dataSource(), metrics, healthChecks);
            this.sandbox = SampleSandbox.create(settings.env(), metrics);
        } catch (RuntimeException e) {
            server.stop(0);
            throw e;
        }
        this.prometheus = new ContractMetrics(metrics);
        routes();
        // One worker per request being read or handled (the JDK server is thread-per-request): a
        // small core, growing to MAX_WORKERS under load or slow clients, idle workers retired.
        this.executor = new ThreadPoolExecutor(Math.max(4, Runtime.getRuntime().availableProcessors() * 4), MAX_WORKERS,
                30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "bulwark-http-" + WORKERS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
    }

    /** The pool (for tests in this package that provoke exhaustion). */
    com.zaxxer.hikari.HikariDataSource dataSource() {
        return pool.dataSource();
    }

    /** The alert engine (for tests in this package). */
    AlertEngine alerts() {
        return alerts;
    }

    /**
     * Starts the service.
     *
     * @param env settings (normally the process environment)
     * @param demoPassword the demo user's password
     * @return the running service
     * @throws IOException when the port cannot be bound or the data directory written
     */
    public static HardenedService start(Map<String, String> env, String demoPassword) throws IOException {
        Map<String, String> withPassword = new HashMap<>(env);
        withPassword.put("DEMO_PASSWORD", demoPassword);
        return start(ServiceSettings.from(withPassword));
    }

    private static HardenedService start(ServiceSettings settings) throws IOException {
        HardenedService service = new HardenedService(settings);
        service.server.start();
        return service;
    }

    /** The base URL, e.g. {@code http://localhost:8080}. */
    public String url() {
        return url;
    }

    /** Runs the service until Ctrl-C. @param args unused @throws IOException on start failure */
    public static void main(String[] args) throws IOException {
        ServiceSettings settings = ServiceSettings.from(System.getenv());
        HardenedService service = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "bulwark-shutdown"));
        System.out.println("Bulwark hardened service listening on " + service.url());
        System.out.println("Demo user: " + Users.DEMO_USER + (settings.generatedPassword()
                ? " / password (generated, shown once): " + settings.demoPassword() : " (password from DEMO_PASSWORD)"));
        System.out.println("Open " + service.url() + "/ to log in; Ctrl-C stops the service.");
    }

    /**
     * Stops accepting requests, lets running ones finish (2 s), then closes the modules in the
     * reverse order of their start: sandbox, alert engine, backup scheduler (a running backup
     * finishes), pool last.
     */
    @Override
    public void close() {
        LOG.info("Stopping: no new requests, then closing sandbox, alert engine, backup scheduler and pool");
        server.stop(2);
        sandbox.close();
        alerts.close();
        backupScheduler.close();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    private void routes() {
        Filter counting = new Filter() {
            private final Meter requests = metrics.meter(SampleModules.REQUESTS);
            private final Meter serverErrors = metrics.meter(SampleModules.SERVER_ERRORS);

            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                exchange.getResponseHeaders().set("Referrer-Policy", "same-origin");
                exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
                requests.mark();
                try {
                    chain.doFilter(exchange);
                } finally {
                    if (exchange.getResponseCode() >= 500) {
                        serverErrors.mark();
                    }
                }
            }

            @Override
            public String description() {
                return "request counter and security headers";
            }
        };
        Filter authenticated = JdkHttpAuth.filter(auth);
        Filter admin = JdkHttpAuth.filter(auth, "admin");

        server.createContext("/", Http.guarded("GET", this::page)).getFilters().add(counting);
        server.createContext("/auth/login", Http.guarded("POST", this::login)).getFilters().add(counting);
        server.createContext("/auth/refresh", Http.guarded("POST", this::refresh)).getFilters().add(counting);
        server.createContext("/auth/logout", Http.guarded("POST", this::logout)).getFilters().add(counting);
        HttpHandler listSessions = Http.guarded("GET", ex -> Http.json(ex, 200,
                ContractViews.sessions(auth.sessions(JdkHttpAuth.caller(ex)))));
        HttpHandler endSession = Http.guarded("DELETE", this::endSession);
        server.createContext("/auth/sessions", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/auth/sessions")) {
                listSessions.handle(exchange);
            } else {
                endSession.handle(exchange);
            }
        }).getFilters().addAll(List.of(counting, authenticated));
        server.createContext("/api/me", Http.guarded("GET", this::me)).getFilters().addAll(List.of(counting, authenticated));
        server.createContext("/api/notes", Http.guarded("POST", this::addNote)).getFilters().addAll(List.of(counting, authenticated));
        server.createContext("/sandbox/run", Http.guarded("POST", this::runSandbox))
                .getFilters().addAll(List.of(counting, authenticated));
        server.createContext("/health", Http.guarded("GET", this::health)).getFilters().add(counting);
        server.createContext("/health/db_pool", Http.guarded("GET", this::poolHealth)).getFilters().add(counting);
        server.createContext("/metrics", Http.guarded("GET", ex -> Http.send(ex, 200, ContractMetrics.CONTENT_TYPE,
                prometheus.scrape()))).getFilters().add(counting);
        server.createContext("/admin/backups", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                Http.guarded("POST", this::takeBackup).handle(exchange);
            } else {
                Http.guarded("GET", ex -> Http.json(ex, 200, ContractViews.backups(backups))).handle(exchange);
            }
        }).getFilters().addAll(List.of(counting, admin));
        server.createContext("/admin/alerts", Http.guarded("GET", ex -> Http.json(ex, 200, ContractViews.alerts(alerts))))
                .getFilters().addAll(List.of(counting, admin));
        server.createContext("/admin/alerts/test", Http.guarded("POST", ex -> Http.json(ex, 202,
                ContractViews.testAlert(alerts)))).getFilters().addAll(List.of(counting, admin));
        HttpHandler listSilences = Http.guarded("GET", ex -> Http.json(ex, 200, ContractViews.silences(alerts.silences())));
        HttpHandler addSilence = Http.guarded("POST", this::addSilence);
        HttpHandler endSilence = Http.guarded("DELETE", this::endSilence);
        server.createContext("/admin/alerts/silences", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/admin/alerts/silences")) {
                endSilence.handle(exchange);
            } else if (exchange.getRequestMethod().equals("POST")) {
                addSilence.handle(exchange);
            } else {
                listSilences.handle(exchange);
            }
        }).getFilters().addAll(List.of(counting, admin));
    }

    private void page(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String resource = switch (path) {
            case "/", "/index.html" -> "/static/index.html";
            case "/app.js" -> "/static/app.js";
            default -> throw new ContractFailure(404, "not_found", "no such path: " + path);
        };
        byte[] body;
        try (InputStream in = HardenedService.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ContractFailure(404, "not_found", "no such path: " + path);
            }
            body = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
        Http.send(exchange, 200, resource.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8", body);
    }

    /**
     * Login through the guard: JSON only (415), no cross-site or foreign origin (403), throttled
     * per user name and client (429 + Retry-After, also for the right password), Argon2id hashes,
     * and an unknown user name checked against a dummy hash so it takes as long as a known one.
     */
    private void login(HttpExchange exchange) throws IOException {
        Optional<LoginRefusal> refused = loginGuard.checkRequest(JdkHttpAuth.request(exchange));
        if (refused.isPresent()) {
            JdkHttpAuth.refuse(exchange, refused.get());
            return;
        }
        JsonNode body = Http.body(exchange);
        String username = JsonBody.text(body, "username", 200);
        String password = JsonBody.text(body, "password", 1000);
        LoginOutcome outcome;
        try {
            // Behind a reverse proxy listed in JWT_TRUSTED_PROXIES: the client from X-Forwarded-For.
            String client = loginGuard.clientAddress(JdkHttpAuth.request(exchange), JdkHttpAuth.clientAddress(exchange));
            outcome = loginGuard.attempt(username, client, () -> users.check(username, password));
        } catch (TokenStoreException e) {
            LOG.warn("Login unavailable: {}", e.getMessage());
            throw new ContractFailure(503, "auth_unavailable", "login is unavailable, try again later");
        }
        if (!outcome.succeeded()) {
            LOG.info("Login refused ({}) for a user name of {} characters", outcome.refusal().code(), username.length());
            JdkHttpAuth.refuse(exchange, outcome);
            return;
        }
        List<String> roles = users.roles(username).orElseThrow();
        auth.login(username, roles, JdkHttpAuth.request(exchange), JdkHttpAuth.response(exchange));
        Http.json(exchange, 200, Map.of("subject", username, "roles", roles));
    }

    private void refresh(HttpExchange exchange) throws IOException {
        AuthResult result = auth.refresh(JdkHttpAuth.request(exchange), JdkHttpAuth.response(exchange));
        if (!result.authenticated()) {
            JdkHttpAuth.refuse(exchange, result.refusal());
            return;
        }
        Http.json(exchange, 200, Map.of("subject", result.authentication().subject(), "roles", result.authentication().roles()));
    }

    /** Logout; {@code {"all": true}} also ends every other session of the user ("log out everywhere"). */
    private void logout(HttpExchange exchange) throws IOException {
        boolean all = Http.optionalBody(exchange).map(b -> b.path("all").asBoolean(false)).orElse(false);
        AuthResult caller = all ? auth.authenticate(JdkHttpAuth.request(exchange)) : null;
        Optional<Refusal> refused = auth.logout(JdkHttpAuth.request(exchange), JdkHttpAuth.response(exchange));
        if (refused.isPresent()) {
            JdkHttpAuth.refuse(exchange, refused.get());
            return;
        }
        if (all) {
            if (!caller.authenticated()) {
                throw new ContractFailure(401, "unauthenticated", "this session is logged out; log in again to end the others");
            }
            Http.json(exchange, 200, Map.of("endedSessions", auth.endAllSessions(caller.authentication().subject())));
            return;
        }
        Http.send(exchange, 204, "application/json", new byte[0]);
    }

    /** {@code DELETE /auth/sessions/{id}}: ends one of the caller's sessions, on every replica. */
    private void endSession(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        String id = exchange.getRequestURI().getPath().substring("/auth/sessions/".length());
        if (!ID.matcher(id).matches() || !auth.endSession(caller, id)) {
            throw new ContractFailure(404, "not_found", "no such session of yours");
        }
        Http.send(exchange, 204, "application/json", new byte[0]);
    }

    private void me(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        Http.json(exchange, 200, Map.of("subject", caller.subject(), "roles", caller.roles()));
    }

    private void addNote(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        String text = JsonBody.text(Http.body(exchange), "text", 2000);
        try {
            Http.json(exchange, 201, Map.of("id", notes.add(caller.subject(), text), "text", text));
        } catch (SQLException e) {
            LOG.warn("Could not save a note: {}", e.getMessage());
            throw new ContractFailure(503, "database_unavailable", "the note could not be saved; try again");
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        ContractViews.Answer answer = ContractViews.health(healthChecks);
        Http.json(exchange, answer.status(), answer.body());
    }

    private void runSandbox(HttpExchange exchange) throws IOException {
        sandbox.available();
        try {
            Http.json(exchange, 200, ContractViews.sandboxResult(sandbox.run(JsonBody.sandboxRequest(Http.body(exchange)))));
        } catch (ContractFailure f) {
            if (f.code().equals("sandbox_busy")) {
                exchange.getResponseHeaders().set("Retry-After", "1");
            }
            throw f;
        }
    }

    /** POST /admin/alerts/silences {"matchers":{"alertname":"..."},"durationMinutes":60,"comment":"..."}. */
    private void addSilence(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        JsonBody.SilenceRequest s = JsonBody.silence(Http.body(exchange), clock.instant());
        try {
            Http.json(exchange, 201, ContractViews.silence(alerts.silence(s.matchers(), s.endsAt(), caller.subject(), s.comment())));
        } catch (IllegalArgumentException e) {
            throw new ContractFailure(400, "bad_request", e.getMessage());
        }
    }

    private void endSilence(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/admin/alerts/silences/".length());
        if (!ID.matcher(id).matches() || !alerts.expireSilence(id)) {
            throw new ContractFailure(404, "not_found", "no such silence in force");
        }
        Http.send(exchange, 204, "application/json", new byte[0]);
    }

    private void takeBackup(HttpExchange exchange) throws IOException {
        try {
            Http.json(exchange, 201, ContractViews.backup(backups.backup()));
        } catch (BackupAlreadyRunningException e) {
            throw new ContractFailure(409, "backup_running", e.getMessage());
        } catch (BackupException e) {
            throw new ContractFailure(503, "backup_failed", e.getMessage());
        }
    }

    private void poolHealth(HttpExchange exchange) throws IOException {
        PoolHealth health = pool.check();
        Http.json(exchange, health.status() == PoolHealth.Status.UNHEALTHY ? 503 : 200, health.toJson());
    }
}
