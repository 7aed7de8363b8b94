package dev.bulwark.samples.service;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.backup.BackupAlreadyRunningException;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupLock;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupScheduler;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.Manifest;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.alerting.Alert;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.AlertRule;
import dev.bulwark.alerting.Severity;
import dev.bulwark.alerting.Signals;
import dev.bulwark.alerting.AlertingSettings;
import dev.bulwark.alerting.RulePack;
import dev.bulwark.jwt.ActiveSession;
import dev.bulwark.jwt.Argon2idPasswordHasher;
import dev.bulwark.jwt.AuthResult;
import dev.bulwark.jwt.Authentication;
import dev.bulwark.jwt.InMemoryThrottleStore;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JdbcThrottleStore;
import dev.bulwark.jwt.JdbcTokenStore;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.LoginGuardSettings;
import dev.bulwark.jwt.LoginOutcome;
import dev.bulwark.jwt.LoginRefusal;
import dev.bulwark.jwt.PasswordHasher;
import dev.bulwark.jwt.Refusal;
import dev.bulwark.jwt.ThrottleStore;
import dev.bulwark.jwt.TokenStore;
import dev.bulwark.jwt.TokenStoreException;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolHealth;
import dev.bulwark.pool.PoolPrometheus;
import dev.bulwark.pool.PoolSettings;
import dev.bulwark.sandbox.Sandbox;
import dev.bulwark.sandbox.SandboxBusyException;
import dev.bulwark.sandbox.SandboxException;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.sandbox.SandboxResult;
import dev.bulwark.sandbox.SandboxSettings;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hardened sample service: one JDK {@link HttpServer} process wiring the Bulwark modules with
 * the HTTP contract of {@code shared/DESIGN.md}. Settings: {@code PORT} (8080), {@code DATA_DIR}
 * ({@code ./data}), {@code DEMO_PASSWORD} (else generated and printed once),
 * {@code DEMO_TRADER_PASSWORD} (when set, a user {@code trader} with the trader role only), plus
 * the modules' variables ({@code DB_*}, {@code JWT_*}).
 */
public final class HardenedService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HardenedService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String DEMO_USER = "demo";
    static final String BACKUP_HEALTH = BackupManager.HEALTH_CHECK_NAME;
    static final List<String> DEMO_ROLES = List.of("trader", "admin");
    /** The optional second user (when {@code DEMO_TRADER_PASSWORD} is set): roles [trader] only, no admin. */
    static final String TRADER_USER = "trader";
    static final List<String> TRADER_ROLES = List.of("trader");

    private final HttpServer server;
    private final ExecutorService executor;
    private final ConnectionPoolMonitor pool;
    private final JwtCookieAuth auth;
    private final MetricRegistry metrics = new MetricRegistry();
    private final HealthCheckRegistry healthChecks = new HealthCheckRegistry();
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final AlertEngine alerts;
    private final Sandbox sandbox;
    private final BackupManager backups;
    private volatile BackupScheduler backupScheduler;
    private final String sandboxUnavailable;
    private final LoginGuard loginGuard;
    private final PasswordHasher hasher;
    /** User name to Argon2id hash (PHC string): the demo user, and trader when DEMO_TRADER_PASSWORD is set. */
    private final Map<String, String> users;
    /** User name to roles. */
    private final Map<String, List<String>> roles;
    private final String url;

    static final long MAX_READ_TIMEOUT_SECONDS = 30;
    /** Worker threads: enough that slow clients, cut after the read timeout, cannot take them all. */
    static final int MAX_WORKERS = 256;

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
            System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(readTimeoutSeconds(System.getenv())));
        }
    }

    /** HTTP_READ_TIMEOUT_SECONDS, 1..30 (default 30). */
    static long readTimeoutSeconds(Map<String, String> env) {
        String v = env.get("HTTP_READ_TIMEOUT_SECONDS");
        if (v == null || v.isBlank()) {
            return MAX_READ_TIMEOUT_SECONDS;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 1 && n <= MAX_READ_TIMEOUT_SECONDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("HTTP_READ_TIMEOUT_SECONDS must be a whole number from 1 to "
                + MAX_READ_TIMEOUT_SECONDS + ", got '" + v + "'");
    }

    private HardenedService(Map<String, String> env, String demoPassword) throws IOException {
        Path dataDir = Path.of(env.getOrDefault("DATA_DIR", "data")).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        this.server = HttpServer.create(new InetSocketAddress(env.getOrDefault("BIND_ADDRESS", "127.0.0.1"), port), 64);
        int actualPort = server.getAddress().getPort();
        this.url = "http://localhost:" + actualPort;

        Map<String, String> effective = new HashMap<>(env);
        effective.putIfAbsent("DB_EMBEDDED_PATH", dataDir.resolve("bulwark-db").toString());
        if (!effective.containsKey("JWT_SECRET") && !effective.containsKey("JWT_JWKS") && !effective.containsKey("JWT_JWKS_FILE")) {
            effective.put("JWT_SECRET", persistentSecret(dataDir.resolve("jwt-secret")));
        }
        effective.putIfAbsent("JWT_ALLOWED_ORIGINS", url + ",http://127.0.0.1:" + actualPort);
        PoolSettings poolSettings = PoolSettings.fromEnvironment(effective);
        this.pool = ConnectionPoolMonitor.create(poolSettings, metrics, healthChecks);
        createSchema();
        TokenStore store = poolSettings.embedded() ? new InMemoryTokenStore()
                : new JdbcTokenStore(pool.dataSource()).createTables();
        this.auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(effective), store, metrics);
        // Login attempts are throttled per user name and client, shared by every replica on one
        // database when DB_URL is set (in this process's memory on the embedded default).
        ThrottleStore throttle = poolSettings.embedded() ? new InMemoryThrottleStore()
                : new JdbcThrottleStore(pool.dataSource()).createTables();
        this.loginGuard = LoginGuard.create(LoginGuardSettings.fromEnvironment(effective), throttle, metrics);
        this.hasher = Argon2idPasswordHasher.fromEnvironment(effective);
        String traderPassword = env.get("DEMO_TRADER_PASSWORD");
        if (traderPassword == null || traderPassword.isBlank()) {
            this.users = Map.of(DEMO_USER, hasher.hash(demoPassword));
            this.roles = Map.of(DEMO_USER, DEMO_ROLES);
        } else {
            this.users = Map.of(DEMO_USER, hasher.hash(demoPassword), TRADER_USER, hasher.hash(traderPassword));
            this.roles = Map.of(DEMO_USER, DEMO_ROLES, TRADER_USER, TRADER_ROLES);
        }

        effective.putIfAbsent("BACKUP_DIR", dataDir.resolve("backups").toString());
        this.backups = backupManager(poolSettings, BackupSettings.fromEnvironment(effective));
        this.alerts = alertEngine(effective, poolSettings, dataDir, actualPort);
        Sandbox sb = null;
        String why = null;
        try {
            sb = Sandbox.builder(SandboxSettings.fromEnvironment(effective)).metrics(metrics).build();
        } catch (RuntimeException e) {
            why = e.getMessage();
            LOG.warn("Sandbox unavailable, /sandbox/run will answer 503: {}", why);
        }
        this.sandbox = sb;
        this.sandboxUnavailable = why;

        DropwizardExports.builder().dropwizardRegistry(metrics).metricFilter(PoolPrometheus.otherMetrics())
                .register(prometheus);
        PoolPrometheus.register(metrics, prometheus); // pool series as Micrometer's HikariCP binding has them
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

    /** Backups of the service's own database: H2 embedded by default, pg_dump when DB_URL is PostgreSQL. */
    private BackupManager backupManager(PoolSettings poolSettings, BackupSettings settings) {
        com.zaxxer.hikari.HikariDataSource ds = pool.dataSource();
        BackupSource source = poolSettings.embedded()
                ? BackupSource.h2(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword())
                : BackupSource.postgres(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword(), settings);
        BackupManager.Builder b = BackupManager.builder(source, settings.openStore()).settings(settings).metrics(metrics)
                .healthChecks(healthChecks);
        if (!poolSettings.embedded()) {
            b.lock(BackupLock.postgres(ds));
        }
        return b.build();
    }

    /**
     * Per-instance rules carry this replica's {@code instance} label (ALERT_INSTANCE, else HOSTNAME,
     * else host:PORT); BackupTooOld is cluster-scoped: with DB_URL (PostgreSQL) one leader elected
     * through an advisory lock evaluates it, and the alert state lives in the database; on the
     * embedded database the state lives in a file under DATA_DIR.
     */
    private AlertEngine alertEngine(Map<String, String> env, PoolSettings poolSettings, Path dataDir, int port) {
        String poolName = poolSettings.poolName();
        Map<String, String> alertEnv = new HashMap<>(env);
        if (!alertEnv.containsKey("ALERT_INSTANCE") && !alertEnv.containsKey("HOSTNAME")) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            alertEnv.put("ALERT_INSTANCE", host + ":" + port); // stable across restarts, unlike host:pid
        }
        java.time.Duration poolFor = java.time.Duration.ofSeconds(
                Long.parseLong(env.getOrDefault("ALERT_POOL_EXHAUSTED_FOR_SECONDS", "60")));
        metrics.meter("bulwark.http.requests");
        metrics.meter("bulwark.http.responses.5xx");
        AlertEngine.Builder b = AlertEngine.builder(metrics).settings(AlertingSettings.fromEnvironment(alertEnv))
                .healthChecks(healthChecks).inhibit(dev.bulwark.alerting.InhibitRule.backendDownMutesItsSymptoms());
        if (poolSettings.embedded()) {
            b.stateDirectory(dataDir);
        } else {
            b.dataSource(pool.dataSource());
        }
        return b.rules(RulePack.backendDown("bulwark.pool." + poolName).build(),
                        RulePack.highErrorRate("bulwark.http.responses.5xx", "bulwark.http.requests").build(),
                        RulePack.dbPoolExhausted(poolName).forDuration(poolFor).build(),
                        RulePack.highQueueDepth("bulwark.alerting.queue.depth", 50).build(),
                        RulePack.diskSpaceLow(dataDir, 10).build(),
                        RulePack.diskFillingUp(dataDir, 4).build(),
                        AlertRule.builder("BackupTooOld").signal(Signals.healthy(BACKUP_HEALTH)).below(1)
                                .clusterScoped().forDuration(java.time.Duration.ofMinutes(10)).severity(Severity.CRITICAL)
                                .summary("No good backup within the RPO")
                                .description("The newest good backup is older than BACKUP_RPO_HOURS, or there is"
                                        + " none: check /admin/backups and the backup logs.").build())
                .build();
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
        HardenedService service = new HardenedService(env, demoPassword);
        service.server.start();
        service.alerts.start();
        service.startBackups();
        return service;
    }

    private void startBackups() {
        backupScheduler = BackupScheduler.create(backups);
    }

    /** The base URL, e.g. {@code http://localhost:8080}. */
    public String url() {
        return url;
    }

    /** Runs the service until Ctrl-C. @param args unused @throws IOException on start failure */
    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        String password = env.get("DEMO_PASSWORD");
        boolean generated = password == null || password.isBlank();
        if (generated) {
            byte[] bytes = new byte[12];
            RANDOM.nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        HardenedService service = start(env, password);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "bulwark-shutdown"));
        System.out.println("Bulwark hardened service listening on " + service.url());
        System.out.println("Demo user: " + DEMO_USER + (generated ? " / password (generated, shown once): " + password
                : " (password from DEMO_PASSWORD)"));
        System.out.println("Open " + service.url() + "/ to log in; Ctrl-C stops the service.");
    }

    /** Stops accepting requests, lets running ones finish (2 s), closes the pool. */
    @Override
    public void close() {
        LOG.info("Stopping: no new requests, closing the connection pool");
        server.stop(2);
        alerts.close();
        BackupScheduler scheduler = backupScheduler;
        if (scheduler != null) {
            scheduler.close(); // a running backup finishes (or is left as an abandoned, never-complete run)
        }
        if (sandbox != null) {
            sandbox.close();
        }
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
            private final Meter requests = metrics.meter("bulwark.http.requests");
            private final Meter serverErrors = metrics.meter("bulwark.http.responses.5xx");

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
        HttpHandler listSessions = Http.guarded("GET", this::listSessions);
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
        server.createContext("/metrics", Http.guarded("GET", this::prometheusText)).getFilters().add(counting);
        server.createContext("/admin/backups", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                Http.guarded("POST", this::takeBackup).handle(exchange);
            } else {
                Http.guarded("GET", this::listBackups).handle(exchange);
            }
        }).getFilters().addAll(List.of(counting, admin));
        server.createContext("/admin/alerts", Http.guarded("GET", this::listAlerts)).getFilters().addAll(List.of(counting, admin));
        server.createContext("/admin/alerts/test", Http.guarded("POST", ex -> Http.json(ex, 202,
                Map.of("queuedFor", alerts.sendTestAlert())))).getFilters().addAll(List.of(counting, admin));
        HttpHandler listSilences = Http.guarded("GET", ex -> Http.json(ex, 200,
                Map.of("silences", alerts.silences().stream().map(HardenedService::silenceJson).toList())));
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

    private void takeBackup(HttpExchange exchange) throws IOException {
        Manifest m;
        try {
            m = backups.backup();
        } catch (BackupAlreadyRunningException e) {
            throw new Http.Failure(409, "backup_running", e.getMessage());
        } catch (BackupException e) {
            throw new Http.Failure(503, "backup_failed", e.getMessage());
        }
        Http.json(exchange, 201, backupJson(m));
    }

    private void listBackups(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        try {
            for (Manifest m : backups.list()) {
                list.add(backupJson(m));
            }
        } catch (BackupException e) {
            throw new Http.Failure(503, "backup_store_unavailable", e.getMessage());
        }
        HealthCheck.Result health = backups.healthCheck().execute();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", backups.store().toString());
        out.put("healthy", health.isHealthy());
        out.put("message", health.getMessage());
        out.put("newestGoodAgeSeconds", backups.newestGoodAge().map(java.time.Duration::toSeconds).orElse(null));
        out.put("backups", list);
        Http.json(exchange, 200, out);
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

    private void page(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String resource = switch (path) {
            case "/", "/index.html" -> "/static/index.html";
            case "/app.js" -> "/static/app.js";
            default -> throw new Http.Failure(404, "not_found", "no such path: " + path);
        };
        byte[] body;
        try (InputStream in = HardenedService.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new Http.Failure(404, "not_found", "no such path: " + path);
            }
            body = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; script-src 'self'; "
                + "style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                + "base-uri 'none'; object-src 'none'");
        Http.send(exchange, 200, resource.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8", body);
    }

    private static final java.util.concurrent.atomic.AtomicInteger WORKERS = new java.util.concurrent.atomic.AtomicInteger();

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
        String username = Http.text(body, "username", 200);
        String password = Http.text(body, "password", 1000);
        String stored = users.get(username);
        LoginOutcome outcome;
        try {
            // Behind a reverse proxy listed in JWT_TRUSTED_PROXIES: the client from X-Forwarded-For.
            String client = loginGuard.clientAddress(JdkHttpAuth.request(exchange), JdkHttpAuth.clientAddress(exchange));
            outcome = loginGuard.attempt(username, client, () -> hasher.verify(password, stored));
        } catch (TokenStoreException e) {
            LOG.warn("Login unavailable: {}", e.getMessage());
            throw new Http.Failure(503, "auth_unavailable", "login is unavailable, try again later");
        }
        if (!outcome.succeeded()) {
            LOG.info("Login refused ({}) for a user name of {} characters", outcome.refusal().code(), username.length());
            JdkHttpAuth.refuse(exchange, outcome);
            return;
        }
        List<String> userRoles = roles.get(username);
        auth.login(username, userRoles, JdkHttpAuth.request(exchange), JdkHttpAuth.response(exchange));
        Http.json(exchange, 200, Map.of("subject", username, "roles", userRoles));
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
                throw new Http.Failure(401, "unauthenticated",
                        "this session is logged out; log in again to end the others");
            }
            int ended = auth.endAllSessions(caller.authentication().subject());
            Http.json(exchange, 200, Map.of("endedSessions", ended));
            return;
        }
        Http.send(exchange, 204, "application/json", new byte[0]);
    }

    /** {@code GET /auth/sessions}: the caller's sessions, never token material. */
    private void listSessions(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (ActiveSession s : auth.sessions(caller)) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", s.id());
            m.put("current", s.current());
            m.put("createdAt", s.createdAt().toString());
            m.put("lastUsedAt", s.lastUsedAt() == null ? null : s.lastUsedAt().toString());
            m.put("expiresAt", s.expiresAt().toString());
            m.put("client", s.clientHint());
            out.add(m);
        }
        Http.json(exchange, 200, Map.of("sessions", out));
    }

    /** {@code DELETE /auth/sessions/{id}}: ends one of the caller's sessions, on every replica. */
    private void endSession(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        String id = exchange.getRequestURI().getPath().substring("/auth/sessions/".length());
        if (!SESSION_ID.matcher(id).matches() || !auth.endSession(caller, id)) {
            throw new Http.Failure(404, "not_found", "no such session of yours");
        }
        Http.send(exchange, 204, "application/json", new byte[0]);
    }

    private static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private void me(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        Http.json(exchange, 200, Map.of("subject", caller.subject(), "roles", caller.roles()));
    }

    private void addNote(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        String text = Http.text(Http.body(exchange), "text", 2000);
        try (Connection c = pool.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO notes (subject, text, created_at) VALUES (?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, caller.subject());
            ps.setString(2, text);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.executeUpdate();
            long id = -1;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (keys.next()) {
                    id = keys.getLong(1);
                }
            }
            Http.json(exchange, 201, Map.of("id", id, "text", text));
        } catch (SQLException e) {
            LOG.warn("Could not save a note: {}", e.getMessage());
            throw new Http.Failure(503, "database_unavailable", "the note could not be saved; try again");
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        SortedMap<String, HealthCheck.Result> results = healthChecks.runHealthChecks();
        // Backup age is reported (and alerted on: BackupTooOld) but does not take the service out
        // of rotation: an old backup is no reason to stop serving requests.
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
        Http.json(exchange, healthy ? 200 : 503, Map.of("status", healthy ? "UP" : "DOWN", "checks", checks));
    }

    private void runSandbox(HttpExchange exchange) throws IOException {
        if (sandbox == null) {
            throw new Http.Failure(503, "sandbox_unavailable", "no Docker sandbox: " + sandboxUnavailable);
        }
        JsonNode body = Http.body(exchange);
        String language = Http.text(body, "language", 20);
        if (!language.equals("python")) {
            throw new Http.Failure(400, "bad_request", "language must be 'python'");
        }
        String code = Http.text(body, "code", 60_000);
        JsonNode stdinNode = body.get("stdin");
        String stdin = stdinNode == null || stdinNode.isNull() ? "" : stdinNode.asText();
        SandboxRequest request = SandboxRequest.python(code, stdin);
        JsonNode files = body.get("files");
        if (files != null && files.isObject()) {
            for (Map.Entry<String, JsonNode> f : files.properties()) {
                try {
                    request = request.withFile(f.getKey(), f.getValue().asText().getBytes(StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new Http.Failure(400, "bad_request", e.getMessage());
                }
            }
        }
        SandboxResult r;
        try {
            r = sandbox.run(request);
        } catch (SandboxBusyException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new Http.Failure(503, "sandbox_busy", e.getMessage());
        } catch (SandboxException e) {
            throw new Http.Failure(503, "sandbox_unavailable", e.getMessage());
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
        Http.json(exchange, 200, out);
    }

    /** POST /admin/alerts/silences {"matchers":{"alertname":"..."},"durationMinutes":60,"comment":"..."}. */
    private void addSilence(HttpExchange exchange) throws IOException {
        Authentication caller = JdkHttpAuth.caller(exchange);
        com.fasterxml.jackson.databind.JsonNode body = Http.body(exchange);
        Map<String, String> matchers = new LinkedHashMap<>();
        com.fasterxml.jackson.databind.JsonNode m = body.get("matchers");
        if (m == null || !m.isObject()) {
            throw new Http.Failure(400, "bad_request", "field 'matchers' is required: an object of label name to value");
        }
        m.properties().forEach(e -> matchers.put(e.getKey(), e.getValue().asText()));
        com.fasterxml.jackson.databind.JsonNode minutes = body.get("durationMinutes");
        if (minutes == null || !minutes.canConvertToLong() || minutes.asLong() < 1) {
            throw new Http.Failure(400, "bad_request", "field 'durationMinutes' is required: a whole number of minutes, at least 1");
        }
        String comment = body.hasNonNull("comment") ? Http.text(body, "comment", 500) : "";
        try {
            java.time.Instant ends = java.time.Instant.now().plus(java.time.Duration.ofMinutes(
                    Math.min(minutes.asLong(), AlertEngine.MAX_SILENCE.toMinutes() + 1)));
            Http.json(exchange, 201, silenceJson(alerts.silence(matchers, ends, caller.subject(), comment)));
        } catch (IllegalArgumentException e) {
            throw new Http.Failure(400, "bad_request", e.getMessage());
        }
    }

    private void endSilence(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/admin/alerts/silences/".length());
        if (!SESSION_ID.matcher(id).matches() || !alerts.expireSilence(id)) {
            throw new Http.Failure(404, "not_found", "no such silence in force");
        }
        Http.send(exchange, 204, "application/json", new byte[0]);
    }

    private static Map<String, Object> silenceJson(dev.bulwark.alerting.Silence s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("matchers", s.matchers());
        m.put("startsAt", s.startsAt().toString());
        m.put("endsAt", s.endsAt().toString());
        m.put("createdBy", s.createdBy());
        m.put("comment", s.comment());
        return m;
    }

    private void listAlerts(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
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
        Http.json(exchange, 200, Map.of("alerts", out, "rules", alerts.rules().size(), "instance", alerts.instance(),
                "leader", alerts.leader()));
    }

    private void poolHealth(HttpExchange exchange) throws IOException {
        PoolHealth health = pool.check();
        Http.json(exchange, health.status() == PoolHealth.Status.UNHEALTHY ? 503 : 200, health.toJson());
    }

    private void prometheusText(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, prometheus.scrape());
        Http.send(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }

    private void createSchema() {
        try (Connection c = pool.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS notes (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                    + "subject VARCHAR(255) NOT NULL, text VARCHAR(2000) NOT NULL, created_at TIMESTAMP NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the sample's notes table: " + e.getMessage(), e);
        }
    }

    private static String persistentSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String encoded = Base64.getEncoder().encodeToString(secret);
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IOException("no directory for " + file);
        }
        Path tmp = Files.createTempFile(dir, "jwt-secret", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, encoded, StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Generated a JWT signing secret in {} (set JWT_SECRET or JWT_JWKS to use your own)", file);
        return encoded;
    }
}
