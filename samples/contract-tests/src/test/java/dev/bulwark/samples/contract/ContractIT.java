package dev.bulwark.samples.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.testsupport.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP contract of {@code shared/DESIGN.md}, end to end through HTTP, against every sample's
 * executable jar started as its own process ({@code java -jar}, embedded defaults: H2 under a
 * fresh DATA_DIR). One suite, parameterised by the jar: a new sample is one line in
 * {@link #SAMPLES} (and a dependency in this module's pom, so the reactor builds it first).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("samples")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContractIT {

    /** Every sample service: name, jar below {@code samples/}, Micrometer scrape path (or null). */
    static final List<Sample> SAMPLES = List.of(
            new Sample("hardened-service", "hardened-service/target/bulwark-hardened-service.jar", null),
            new Sample("spring-boot-service", "spring-boot-service/target/bulwark-spring-boot-service.jar",
                    "/actuator/prometheus"),
            new Sample("dropwizard-service", "dropwizard-service/target/bulwark-dropwizard-service.jar", null));

    /**
     * Series every sample's {@code /metrics} has, named as the JDK sample names them: the pool's
     * as Micrometer's HikariCP binding, and the modules' own.
     */
    static final List<String> JDK_SAMPLE_SERIES = List.of(
            "hikaricp_connections", "hikaricp_connections_active", "hikaricp_connections_idle",
            "hikaricp_connections_pending", "hikaricp_connections_max", "hikaricp_connections_min",
            "hikaricp_connections_timeout_total", "hikaricp_connections_acquire_seconds_count",
            "hikaricp_connections_acquire_seconds_sum", "hikaricp_connections_acquire_seconds_max",
            "hikaricp_connections_usage_seconds_sum", "hikaricp_connections_creation_seconds_sum",
            "bulwark_pool_utilisation", "bulwark_pool_exhausted", "bulwark_pool_exhaustion_events_total",
            "bulwark_pool_exhaustion_seconds_total", "bulwark_pool_leak_suspicions_total",
            "bulwark_pool_acquire_timeouts_total", "bulwark_jwt_logins_total", "bulwark_jwt_refreshes_total",
            "bulwark_jwt_refused_csrf_origin_total", "bulwark_jwt_refused_missing_token_total",
            "bulwark_http_requests_total", "bulwark_http_responses_5xx_total", "bulwark_backup_completed_total",
            "bulwark_backup_newest_good_age_seconds", "bulwark_alerting_evaluations_total",
            "bulwark_alerting_alerts_firing");

    static final Map<String, String> ENV = Map.of("DEMO_PASSWORD", "test-password", "DB_POOL_SIZE", "2",
            "DB_MAX_OVERFLOW", "3", "DB_POOL_TIMEOUT_MS", "20000", "ALERT_EVALUATION_INTERVAL_SECONDS", "1",
            "SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock",
            // the reuse test replays a spent refresh token at once, which the default grace for
            // concurrent tabs would accept (the grace itself is tested in jwt-cookies)
            "JWT_REFRESH_REUSE_GRACE", "0",
            // the second user, without the admin role; it is also the one the throttling test locks out (last)
            "DEMO_TRADER_PASSWORD", "trader-password", "JWT_LOGIN_MAX_ATTEMPTS_PER_USER", "3",
            "ALERT_INSTANCE", "contract-1");
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    static Sample.Running running;

    @Parameter
    Sample sample;

    /** Every sample, or those named in {@code -Dbulwark.contract.samples=a,b}. */
    static Stream<Sample> samples() {
        String only = System.getProperty("bulwark.contract.samples", "");
        List<String> names = only.isBlank() ? List.of() : List.of(only.split(","));
        return SAMPLES.stream().filter(s -> names.isEmpty() || names.contains(s.name()));
    }

    @BeforeParameterizedClassInvocation
    static void start(Sample sample) throws Exception {
        running = sample.start(ENV);
    }

    /**
     * Stops the sample as an operator would (SIGTERM) and checks, in its output, that its
     * container closed every running module: alert engine, backup scheduler, pool (HikariCP's own line).
     */
    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        if (running == null) {
            return;
        }
        Sample.Running stopped = running;
        running = null;
        stopped.close();
        assertThat(Files.readString(stopped.log(), StandardCharsets.UTF_8))
                .as("%s closes alert engine, backup scheduler and pool on SIGTERM (output: %s)", stopped.sample(), stopped.log())
                .contains("Alert engine stopped", "backup scheduler stopped", "bulwark - Shutdown completed");
    }

    static HttpResponse<String> call(String method, String path, String body, Map<String, String> cookies,
            String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(running.base() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!cookies.isEmpty()) {
            StringBuilder c = new StringBuilder();
            cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", c.toString());
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> jar(HttpResponse<?> response) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : response.headers().allValues("Set-Cookie")) {
            String pair = c.split(";", 2)[0];
            out.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return out;
    }

    static Map<String, String> login() throws Exception {
        return login("demo", "test-password");
    }

    static Map<String, String> login(String user, String password) throws Exception {
        HttpResponse<String> r = call("POST", "/auth/login", "{\"username\":\"" + user + "\",\"password\":\"" + password
                + "\"}", Map.of(), "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return jar(r);
    }

    static HttpResponse<String> loginRequest(String body, String... headers) throws Exception {
        return call("POST", "/auth/login", body, Map.of(), headers);
    }

    static String[] csrf(Map<String, String> jar) {
        return new String[] {"Origin", running.base(), "X-CSRF-Token", jar.get("__Host-csrf"), "Content-Type", "application/json"};
    }

    static Set<String> series(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher m = SERIES.matcher(exposition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void loginSetsHardenedCookiesAndMeAnswersWithCookieOrBearer() throws Exception {
        HttpResponse<String> r = call("POST", "/auth/login", "{\"username\":\"demo\",\"password\":\"test-password\"}", Map.of(),
                "Content-Type", "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .matches("__Host-access_token=[\\w.-]+; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Strict"));
        assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .matches("__Secure-refresh_token=[\\w.-]+; Max-Age=604800; Path=/auth; Secure; HttpOnly; SameSite=Strict"));
        assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .matches("__Host-csrf=[\\w-]+; Max-Age=604800; Path=/; Secure; SameSite=Strict"));
        Map<String, String> jar = jar(r);
        JsonNode me = JSON.readTree(call("GET", "/api/me", null, jar).body());
        assertThat(me.get("subject").asText()).isEqualTo("demo");
        assertThat(me.get("roles")).extracting(JsonNode::asText).containsExactly("trader", "admin");
        assertThat(call("GET", "/api/me", null, Map.of(), "Authorization", "Bearer " + jar.get("__Host-access_token"))
                .statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = call("GET", "/api/me", null, Map.of());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).get("error").asText()).isEqualTo("missing_token");
    }

    @Test
    void badCredentialsAndBadInputAreJsonErrorsWithoutStackTraces() throws Exception {
        HttpResponse<String> wrong = call("POST", "/auth/login", "{\"username\":\"demo\",\"password\":\"nope\"}", Map.of(),
                "Content-Type", "application/json");
        HttpResponse<String> notJson = call("POST", "/auth/login", "{oops", Map.of(), "Content-Type", "application/json");
        HttpResponse<String> missing = call("GET", "/nowhere", null, Map.of());
        HttpResponse<String> wrongMethod = call("GET", "/auth/login", null, Map.of());

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("bad_credentials");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        for (HttpResponse<String> r : List.of(wrong, notJson, missing, wrongMethod)) {
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(JSON.readTree(r.body()).has("error")).isTrue();
            assertThat(JSON.readTree(r.body()).has("message")).isTrue();
        }
    }

    @Test
    void notesNeedTheCsrfDefenceAndForeignOriginsAreRefused() throws Exception {
        Map<String, String> jar = login();

        HttpResponse<String> foreign = call("POST", "/api/notes", "{\"text\":\"hi\"}", jar, "Origin", "https://evil.example",
                "X-CSRF-Token", jar.get("__Host-csrf"), "Content-Type", "application/json");
        HttpResponse<String> noToken = call("POST", "/api/notes", "{\"text\":\"hi\"}", jar, "Origin", running.base(),
                "Content-Type", "application/json");
        HttpResponse<String> ok = call("POST", "/api/notes", "{\"text\":\"hi\"}", jar, csrf(jar));

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(foreign.body()).get("error").asText()).isEqualTo("csrf_origin");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(noToken.body()).get("error").asText()).isEqualTo("csrf_token");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat(JSON.readTree(ok.body()).get("id").asLong()).isPositive();
    }

    @Test
    void refreshRotatesReuseIsDetectedAndLogoutEndsTheSession() throws Exception {
        Map<String, String> jar = login();
        HttpResponse<String> refreshed = call("POST", "/auth/refresh", null, jar, csrf(jar));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        Map<String, String> next = jar(refreshed);

        HttpResponse<String> reuse = call("POST", "/auth/refresh", null, jar, csrf(jar));
        assertThat(reuse.statusCode()).isEqualTo(401);
        assertThat(reuse.body()).contains("refresh_token_reused");
        assertThat(call("GET", "/api/me", null, next).statusCode()).as("the whole family is revoked").isEqualTo(401);

        Map<String, String> second = login();
        HttpResponse<String> logout = call("POST", "/auth/logout", null, second, csrf(second));
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(logout.headers().allValues("Set-Cookie")).isNotEmpty()
                .allSatisfy(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(call("GET", "/api/me", null, second).statusCode()).isEqualTo(401);
    }

    @Test
    void sessionsAreListedWithoutTokenMaterialAndOneCanBeEndedFromAnother() throws Exception {
        Map<String, String> phone = login();
        Map<String, String> laptop = login();

        HttpResponse<String> listed = call("GET", "/auth/sessions", null, laptop);
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode sessions = JSON.readTree(listed.body()).get("sessions");
        assertThat(sessions.size()).isGreaterThanOrEqualTo(2);
        for (JsonNode s : sessions) {
            assertThat(s.has("id") && s.has("createdAt") && s.has("expiresAt") && s.has("current")).isTrue();
        }
        for (String token : laptop.values()) {
            assertThat(listed.body()).doesNotContain(token);
        }
        String phoneSession = null;
        for (JsonNode s : JSON.readTree(call("GET", "/auth/sessions", null, phone).body()).get("sessions")) {
            if (s.get("current").asBoolean()) {
                phoneSession = s.get("id").asText();
            }
        }
        assertThat(phoneSession).isNotNull();

        HttpResponse<String> noCsrf = call("DELETE", "/auth/sessions/" + phoneSession, null, laptop);
        assertThat(noCsrf.statusCode()).as("DELETE is CSRF-protected").isEqualTo(403);
        assertThat(call("GET", "/api/me", null, phone).statusCode()).isEqualTo(200);

        HttpResponse<String> ended = call("DELETE", "/auth/sessions/" + phoneSession, null, laptop, csrf(laptop));
        assertThat(ended.statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/me", null, phone).statusCode()).as("the phone's access token, at once").isEqualTo(401);
        assertThat(call("POST", "/auth/refresh", null, phone, csrf(phone)).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/me", null, laptop).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/auth/sessions/no-such-session", null, laptop, csrf(laptop)).statusCode())
                .isEqualTo(404);
        assertThat(call("GET", "/auth/sessions", null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void logoutWithAllEndsEverySessionOfTheUser() throws Exception {
        Map<String, String> first = login();
        Map<String, String> second = login();

        HttpResponse<String> out = call("POST", "/auth/logout", "{\"all\": true}", second, csrf(second));

        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(out.body()).get("endedSessions").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(call("GET", "/api/me", null, first).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/me", null, second).statusCode()).isEqualTo(401);
    }

    @Test
    void healthAndPoolHealthHaveTheirDocumentedShape() throws Exception {
        HttpResponse<String> r = call("GET", "/health/db_pool", null, Map.of());
        JsonNode health = JSON.readTree(r.body());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(health.get("status").asText()).isIn("HEALTHY", "DEGRADED");
        assertThat(health.get("maximumPoolSize").asInt()).isEqualTo(5);
        for (String field : new String[] {"active", "idle", "pending", "utilisation", "peakActive", "acquireTimeouts",
                "acquireMillis", "exhaustion", "leaks", "settings"}) {
            assertThat(health.has(field)).as(field).isTrue();
        }
        assertThat(health.get("settings").has("password")).isFalse();
        HttpResponse<String> overall = call("GET", "/health", null, Map.of());
        assertThat(overall.statusCode()).isEqualTo(200);
        JsonNode checks = JSON.readTree(overall.body()).get("checks");
        assertThat(JSON.readTree(overall.body()).get("status").asText()).isEqualTo("UP");
        assertThat(checks.get("bulwark.pool.bulwark").get("critical").asBoolean()).isTrue();
        assertThat(checks.get("bulwark.backup").get("critical").asBoolean()).isFalse();
        Set<String> names = new TreeSet<>();
        checks.fieldNames().forEachRemaining(names::add);
        assertThat(names).as("the same checks in every sample (a framework's own, e.g. Dropwizard's deadlocks, not here)")
                .containsExactly("bulwark.alerting", "bulwark.backup", "bulwark.pool.bulwark");
    }

    @Test
    void metricsExposeTheBulwarkSeriesUnderTheJdkSamplesNames() throws Exception {
        Map<String, String> jar = login();
        call("POST", "/api/notes", "{\"text\":\"x\"}", jar, "Origin", "https://evil.example", "X-CSRF-Token", "x",
                "Content-Type", "application/json");
        HttpResponse<String> r = call("GET", "/metrics", null, Map.of());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(series(r.body())).containsAll(JDK_SAMPLE_SERIES);
        assertThat(r.body()).contains("hikaricp_connections_max{pool=\"bulwark\"} 5.0",
                "hikaricp_connections_active{pool=\"bulwark\"}", "bulwark_pool_exhaustion_events_total{pool=\"bulwark\"}",
                "hikaricp_connections_acquire_seconds_sum{pool=\"bulwark\"}",
                "hikaricp_connections_acquire_seconds_max{pool=\"bulwark\"}",
                "hikaricp_connections_timeout_total{pool=\"bulwark\"}");
        assertThat(r.body()).containsPattern("bulwark_jwt_refused_csrf_origin_total [1-9]");
    }

    /** Where a sample also serves a Micrometer scrape: the pool series by the same names, the rest Micrometer-tagged. */
    @Test
    void theMicrometerScrapeShowsTheBulwarkSeriesWithTheSamePoolNames() throws Exception {
        if (sample.micrometerScrape() == null) {
            // A sample without Micrometer (the JDK one) serves no scrape under Actuator's path either:
            // its one exposition is /metrics, checked by the test above.
            assertThat(call("GET", "/actuator/prometheus", null, Map.of()).statusCode()).isBetween(400, 499);
            return;
        }
        Map<String, String> jar = login();
        call("POST", "/api/notes", "{\"text\":\"x\"}", jar, "Origin", "https://evil.example", "X-CSRF-Token", "x",
                "Content-Type", "application/json");

        HttpResponse<String> r = call("GET", sample.micrometerScrape(), null, Map.of());

        assertThat(r.statusCode()).isEqualTo(200);
        Set<String> micrometer = series(r.body());
        Set<String> contract = new TreeSet<>(series(call("GET", "/metrics", null, Map.of()).body()));
        contract.removeIf(n -> !n.startsWith("hikaricp_") && !n.startsWith("bulwark_pool_"));
        contract.removeIf(n -> n.matches("hikaricp_connections_(acquire|usage|creation)_seconds")); // quantile lines
        assertThat(contract).hasSizeGreaterThan(15);
        assertThat(micrometer).containsAll(contract);
        assertThat(micrometer).contains("bulwark_jwt_logins_total", "bulwark_http_requests_total",
                "bulwark_backup_completed_total", "bulwark_alerting_evaluations_total");
        assertThat(r.body()).contains("hikaricp_connections_max{pool=\"bulwark\"} 5")
                .containsPattern("bulwark_jwt_refused_total\\{reason=\"csrf_origin\"} [1-9]");
        assertThat(micrometer).doesNotContain("bulwark_jwt_refused_csrf_origin_total");
    }

    @Test
    void backupIsTakenOnDemandAndListedWithItsChecksum() throws Exception {
        Map<String, String> jar = login();
        assertThat(call("GET", "/admin/backups", null, Map.of()).statusCode()).isEqualTo(401);
        // the scheduler's catch-up backup (none existed at start) shows up first
        Poll.until(Duration.ofSeconds(60), "catch-up backup listed", () -> {
            try {
                return JSON.readTree(call("GET", "/admin/backups", null, jar).body()).get("backups").size() > 0;
            } catch (Exception e) {
                return false;
            }
        });
        call("POST", "/api/notes", "{\"text\":\"in the backup\"}", jar, csrf(jar));

        HttpResponse<String> taken = call("POST", "/admin/backups", null, jar, csrf(jar));

        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(201);
        JsonNode backup = JSON.readTree(taken.body());
        assertThat(backup.get("status").asText()).isEqualTo("COMPLETE");
        assertThat(backup.get("source").asText()).isEqualTo("h2");
        assertThat(backup.get("sha256").asText()).hasSize(64);
        assertThat(backup.get("counts").get("PUBLIC.NOTES").asLong()).isPositive();
        JsonNode listed = JSON.readTree(call("GET", "/admin/backups", null, jar).body());
        assertThat(listed.get("healthy").asBoolean()).isTrue();
        assertThat(listed.get("backups").get(0).get("id").asText()).isEqualTo(backup.get("id").asText());
        assertThat(listed.get("backups").get(0).get("sha256").asText()).isEqualTo(backup.get("sha256").asText());
        assertThat(running.dataDir().resolve("backups").resolve(backup.get("id").asText() + ".manifest.json")).exists();
        JsonNode health = JSON.readTree(call("GET", "/health", null, Map.of()).body());
        assertThat(health.get("checks").get("bulwark.backup").get("healthy").asBoolean()).isTrue();
        assertThat(health.get("checks").get("bulwark.backup").get("critical").asBoolean()).isFalse();
        assertThat(call("GET", "/metrics", null, Map.of()).body()).contains("bulwark_backup_completed_total")
                .contains("bulwark_backup_newest_good_age_seconds");
    }

    @Test
    void withoutADockerEngineTheSandboxAnswers503WithTheReason() throws Exception {
        Map<String, String> jar = login();

        HttpResponse<String> sandbox = call("POST", "/sandbox/run", "{}", jar, csrf(jar));

        assertThat(sandbox.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(sandbox.body()).get("error").asText()).isEqualTo("sandbox_unavailable");
        assertThat(JSON.readTree(sandbox.body()).get("message").asText()).contains("Docker engine unreachable");
        assertThat(call("POST", "/sandbox/run", "{}", Map.of(), "Content-Type", "application/json").statusCode())
                .isEqualTo(401);
    }

    @Test
    void alertsAreListedForAdminsAndATestAlertIsQueued() throws Exception {
        Map<String, String> jar = login();
        assertThat(call("GET", "/admin/alerts", null, Map.of()).statusCode()).isEqualTo(401);

        HttpResponse<String> listed = call("GET", "/admin/alerts", null, jar);
        HttpResponse<String> test = call("POST", "/admin/alerts/test", null, jar, csrf(jar));

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(listed.body()).get("alerts").isArray()).isTrue();
        assertThat(JSON.readTree(listed.body()).get("rules").asInt()).isGreaterThanOrEqualTo(7);
        assertThat(test.statusCode()).as(test.body()).isEqualTo(202);
        assertThat(JSON.readTree(test.body()).get("queuedFor").asInt()).isPositive();
        // at most one test alert a minute per replica (ALERT_TEST_MIN_INTERVAL_SECONDS): no paging loop
        HttpResponse<String> again = call("POST", "/admin/alerts/test", null, jar, csrf(jar));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(429);
        assertThat(JSON.readTree(again.body()).get("error").asText()).isEqualTo("test_alert_too_soon");
        assertThat(JSON.readTree(again.body()).get("message").asText()).contains("ALERT_TEST_MIN_INTERVAL_SECONDS");
        assertThat(Long.parseLong(again.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    }

    @Test
    void thePageCarriesAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = call("GET", "/", null, Map.of());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'",
                "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.body()).contains("<script src=\"/app.js\"");
    }

    // ---- login guard ----

    static final String RIGHT = "{\"username\":\"demo\",\"password\":\"test-password\"}";

    @Test
    void aTextPlainOrFormLoginIsRefusedWith415EvenWithTheRightPassword() throws Exception {
        HttpResponse<String> plain = loginRequest(RIGHT, "Content-Type", "text/plain", "Origin", running.base());
        HttpResponse<String> form = loginRequest("username=demo&password=test-password",
                "Content-Type", "application/x-www-form-urlencoded", "Origin", running.base());

        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(plain.body()).get("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(plain.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void aCrossSiteOrForeignOriginLoginIsRefusedWith403AndTheOwnOriginPasses() throws Exception {
        HttpResponse<String> crossSite = loginRequest(RIGHT, "Content-Type", "application/json",
                "Sec-Fetch-Site", "cross-site", "Origin", running.base());
        HttpResponse<String> foreign = loginRequest(RIGHT, "Content-Type", "application/json", "Origin", "https://evil.example");
        HttpResponse<String> own = loginRequest(RIGHT, "Content-Type", "application/json", "Origin", running.base(),
                "Sec-Fetch-Site", "same-origin");

        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(crossSite.body()).get("error").asText()).isEqualTo("login_cross_site");
        assertThat(crossSite.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(foreign.body()).get("error").asText()).isEqualTo("login_origin");
        assertThat(foreign.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    }

    @Test
    void anUnknownUserGetsTheSameAnswerAsAWrongPassword() throws Exception {
        HttpResponse<String> unknown = loginRequest("{\"username\":\"nobody\",\"password\":\"guess\"}",
                "Content-Type", "application/json");

        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("bad_credentials");
    }

    /** Runs last: it locks the trader out for the rest of this sample's run (JWT_LOGIN_MAX_ATTEMPTS_PER_USER=3). */
    @Test
    @Order(Integer.MAX_VALUE)
    void wrongPasswordsEndIn429WithRetryAfterAndThenTheRightPasswordIs429Too() throws Exception {
        String wrong = "{\"username\":\"trader\",\"password\":\"guess\"}";
        String right = "{\"username\":\"trader\",\"password\":\"trader-password\"}";
        assertThat(loginRequest(right, "Content-Type", "application/json").statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(loginRequest(wrong, "Content-Type", "application/json").statusCode()).isEqualTo(401);
        }

        HttpResponse<String> fourth = loginRequest(wrong, "Content-Type", "application/json");
        HttpResponse<String> rightNow = loginRequest(right, "Content-Type", "application/json");

        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(rightNow.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(rightNow.body()).get("error").asText()).isEqualTo("login_throttled");
        assertThat(Long.parseLong(rightNow.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 900L);
        assertThat(rightNow.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(call("GET", "/metrics", null, Map.of()).body()).containsPattern("bulwark_jwt_login_failed_total [1-9]")
                .containsPattern("bulwark_jwt_login_throttled_total [1-9]");
    }

    // ---- admin only ----

    @Test
    void aUserWithoutTheAdminRoleIsRefused403OnEveryAdminEndpoint() throws Exception {
        Map<String, String> trader = login("trader", "trader-password");
        JsonNode me = JSON.readTree(call("GET", "/api/me", null, trader).body());
        assertThat(me.get("roles")).extracting(JsonNode::asText).containsExactly("trader");
        String silence = "{\"matchers\":{\"alertname\":\"ByTrader\"},\"durationMinutes\":60}";

        List<HttpResponse<String>> refused = List.of(
                call("GET", "/admin/alerts/silences", null, trader),
                call("POST", "/admin/alerts/silences", silence, trader, csrf(trader)),
                call("DELETE", "/admin/alerts/silences/some-id", null, trader, csrf(trader)),
                call("GET", "/admin/alerts", null, trader),
                call("POST", "/admin/alerts/test", null, trader, csrf(trader)),
                call("GET", "/admin/backups", null, trader),
                call("POST", "/admin/backups", null, trader, csrf(trader)));

        for (HttpResponse<String> r : refused) {
            assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri().getPath() + ": " + r.body())
                    .isEqualTo(403);
            assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("forbidden");
        }
        Map<String, String> admin = login();
        assertThat(call("GET", "/admin/alerts/silences", null, admin).body()).doesNotContain("ByTrader");
        assertThat(call("GET", "/api/me", null, trader).statusCode()).as("the trader's session itself is fine").isEqualTo(200);
    }

    // ---- silences ----

    @Test
    void silencesAreAdminOnlyCsrfProtectedCreatedWithMatchersAndExpiryListedAndEnded() throws Exception {
        String body = "{\"matchers\":{\"alertname\":\"BulwarkTestAlert\",\"instance\":\"contract-1\"},"
                + "\"durationMinutes\":60,\"comment\":\"db upgrade\"}";
        assertThat(call("GET", "/admin/alerts/silences", null, Map.of()).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/admin/alerts/silences", body, Map.of(), "Content-Type", "application/json").statusCode())
                .isEqualTo(401);
        Map<String, String> jar = login();
        HttpResponse<String> noToken = call("POST", "/admin/alerts/silences", body, jar, "Origin", running.base(),
                "Content-Type", "application/json");
        assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(403);
        HttpResponse<String> noMatcher = call("POST", "/admin/alerts/silences", "{\"matchers\":{},\"durationMinutes\":60}",
                jar, csrf(jar));
        assertThat(noMatcher.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noMatcher.body()).get("message").asText()).contains("at least one label matcher");
        HttpResponse<String> noExpiry = call("POST", "/admin/alerts/silences", "{\"matchers\":{\"alertname\":\"X\"}}",
                jar, csrf(jar));
        assertThat(noExpiry.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noExpiry.body()).get("error").asText()).isEqualTo("bad_request");

        HttpResponse<String> created = call("POST", "/admin/alerts/silences", body, jar, csrf(jar));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode silence = JSON.readTree(created.body());
        String id = silence.get("id").asText();
        assertThat(silence.get("createdBy").asText()).isEqualTo("demo");
        assertThat(silence.get("comment").asText()).isEqualTo("db upgrade");
        assertThat(silence.get("matchers").get("alertname").asText()).isEqualTo("BulwarkTestAlert");
        assertThat(silence.get("matchers").get("instance").asText()).isEqualTo("contract-1");
        Duration length = Duration.between(java.time.Instant.parse(silence.get("startsAt").asText()),
                java.time.Instant.parse(silence.get("endsAt").asText()));
        assertThat(length).isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        JsonNode listed = JSON.readTree(call("GET", "/admin/alerts/silences", null, jar).body()).get("silences");
        assertThat(listed).anySatisfy(s -> assertThat(s.get("id").asText()).isEqualTo(id));
        // The JDK sample's behaviour, shared by every sample: the test alert bypasses silences to
        // prove delivery, except one that names it (alertname=BulwarkTestAlert), as this one does:
        // on-call's way to stop a paging loop. A muted test alert is queued for no notifier.
        HttpResponse<String> test = call("POST", "/admin/alerts/test", null, jar, csrf(jar));
        assertThat(test.statusCode()).as(test.body()).isEqualTo(202);
        assertThat(JSON.readTree(test.body()).get("queuedFor").asInt()).isZero();
        JsonNode alerts = JSON.readTree(call("GET", "/admin/alerts", null, jar).body());
        assertThat(alerts.get("instance").asText()).isEqualTo("contract-1");
        assertThat(alerts.get("leader").asBoolean()).isTrue();

        String path = "/admin/alerts/silences/" + id;
        assertThat(call("DELETE", path, null, jar, "Origin", running.base()).statusCode()).as("DELETE is CSRF-protected")
                .isEqualTo(403);
        assertThat(call("DELETE", path, null, jar, csrf(jar)).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", path, null, jar, csrf(jar)).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(call("GET", "/admin/alerts/silences", null, jar).body()).get("silences"))
                .noneSatisfy(s -> assertThat(s.get("id").asText()).isEqualTo(id));
    }
}
