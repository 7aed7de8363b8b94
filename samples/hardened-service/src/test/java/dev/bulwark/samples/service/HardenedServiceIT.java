package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through HTTP against the started sample service (embedded defaults: H2 under a data dir). */
class HardenedServiceIT {

    @TempDir
    static Path dataDir;
    static HardenedService service;
    static String base;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        // JWT_REFRESH_REUSE_GRACE=0: the reuse test replays a spent refresh token at once, which the
        // default grace for concurrent tabs would accept (the grace itself is tested in jwt-cookies).
        service = HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(), "DB_POOL_SIZE", "2",
                "DB_MAX_OVERFLOW", "3", "DB_POOL_TIMEOUT_MS", "20000", "ALERT_POOL_EXHAUSTED_FOR_SECONDS", "0",
                "ALERT_EVALUATION_INTERVAL_SECONDS", "1", "SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock",
                "JWT_REFRESH_REUSE_GRACE", "0"),
                "test-password");
        base = service.url();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static HttpResponse<String> call(String method, String path, String body, Map<String, String> cookies,
            String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
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
        HttpResponse<String> r = call("POST", "/auth/login", "{\"username\":\"demo\",\"password\":\"test-password\"}", Map.of(), "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        return jar(r);
    }

    String[] csrf(Map<String, String> jar) {
        return new String[] {"Origin", base, "X-CSRF-Token", jar.get("__Host-csrf"), "Content-Type", "application/json"};
    }

    @Test
    void loginSetsHardenedCookiesAndMeAnswersWithCookieOrBearer() throws Exception {
        HttpResponse<String> r = call("POST", "/auth/login", "{\"username\":\"demo\",\"password\":\"test-password\"}", Map.of(), "Content-Type", "application/json");

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
        assertThat(call("GET", "/api/me", null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void badCredentialsAndBadInputAreJsonErrorsWithoutStackTraces() throws Exception {
        HttpResponse<String> wrong = call("POST", "/auth/login", "{\"username\":\"demo\",\"password\":\"nope\"}", Map.of(), "Content-Type", "application/json");
        HttpResponse<String> notJson = call("POST", "/auth/login", "{oops", Map.of(), "Content-Type", "application/json");
        HttpResponse<String> missing = call("GET", "/nowhere", null, Map.of());
        HttpResponse<String> wrongMethod = call("GET", "/auth/login", null, Map.of());

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("bad_credentials");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        for (HttpResponse<String> r : java.util.List.of(wrong, notJson, missing, wrongMethod)) {
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(JSON.readTree(r.body()).has("message")).isTrue();
        }
    }

    @Test
    void notesNeedTheCsrfDefenceAndForeignOriginsAreRefused() throws Exception {
        Map<String, String> jar = login();

        HttpResponse<String> foreign = call("POST", "/api/notes", "{\"text\":\"hi\"}", jar, "Origin", "https://evil.example",
                "X-CSRF-Token", jar.get("__Host-csrf"));
        HttpResponse<String> ok = call("POST", "/api/notes", "{\"text\":\"hi\"}", jar, csrf(jar));

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(foreign.body()).get("error").asText()).isEqualTo("csrf_origin");
        assertThat(ok.statusCode()).isEqualTo(201);
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
        assertThat(call("GET", "/api/me", null, next).statusCode()).isEqualTo(401);

        Map<String, String> second = login();
        HttpResponse<String> logout = call("POST", "/auth/logout", null, second, csrf(second));
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(logout.headers().allValues("Set-Cookie")).allSatisfy(c -> assertThat(c).contains("Max-Age=0"));
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
    void poolHealthHasItsDocumentedShape() throws Exception {
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
        assertThat(JSON.readTree(overall.body()).get("checks").has("bulwark.pool.bulwark")).isTrue();
    }

    @Test
    void metricsExposeThePoolAndAuthSeries() throws Exception {
        login();
        String text = call("GET", "/metrics", null, Map.of()).body();

        assertThat(text).contains("hikaricp_connections_active{pool=\"bulwark\"}", "hikaricp_connections_max{pool=\"bulwark\"} 5.0",
                "bulwark_pool_exhaustion_events_total{pool=\"bulwark\"}", "bulwark_jwt_logins_total",
                "bulwark_jwt_refused_csrf_origin_total", "bulwark_http_requests_total",
                "hikaricp_connections_acquire_seconds_sum{pool=\"bulwark\"}",
                "hikaricp_connections_acquire_seconds_max{pool=\"bulwark\"}",
                "hikaricp_connections_timeout_total{pool=\"bulwark\"}");
    }

    @Test
    void backupIsTakenOnDemandAndListedWithItsChecksum() throws Exception {
        Map<String, String> jar = login();
        assertThat(call("GET", "/admin/backups", null, Map.of()).statusCode()).isEqualTo(401);
        // the scheduler's catch-up backup (none existed at start) shows up first
        dev.bulwark.testsupport.Poll.until(java.time.Duration.ofSeconds(30), "catch-up backup listed", () -> {
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
        assertThat(java.nio.file.Files.exists(dataDir.resolve("backups").resolve(backup.get("id").asText()
                + ".manifest.json"))).isTrue();
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
        assertThat(call("GET", "/admin/alerts", null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void poolExhaustionFiresAnAlertVisibleInAdminAlerts() throws Exception {
        Map<String, String> jar = login();
        java.util.List<java.sql.Connection> held = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService waiter = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 5; i++) {
                held.add(service.dataSource().getConnection());
            }
            waiter.submit(() -> {
                try (java.sql.Connection c = service.dataSource().getConnection()) {
                    return c.isValid(1);
                }
            });
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            JsonNode firing = null;
            while (firing == null && System.nanoTime() < deadline) {
                for (JsonNode a : JSON.readTree(call("GET", "/admin/alerts", null, jar).body()).get("alerts")) {
                    if (a.get("name").asText().equals("DbPoolExhausted") && a.get("state").asText().equals("FIRING")) {
                        firing = a;
                    }
                }
                Thread.sleep(100);
            }
            assertThat(firing).as("DbPoolExhausted firing in /admin/alerts").isNotNull();
            assertThat(firing.get("severity").asText()).isEqualTo("critical");
            assertThat(firing.get("labels").get("pool").asText()).isEqualTo("bulwark");
        } finally {
            for (java.sql.Connection c : held) {
                c.close();
            }
            waiter.shutdown();
        }
        String metrics = call("GET", "/metrics", null, Map.of()).body();
        assertThat(metrics).contains("bulwark_alerting_evaluations_total", "bulwark_alerting_alerts_firing");
    }

    @Test
    void thePageCarriesAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = call("GET", "/", null, Map.of());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'",
                "frame-ancestors 'none'");
        assertThat(page.body()).contains("<script src=\"/app.js\"");
    }
}
