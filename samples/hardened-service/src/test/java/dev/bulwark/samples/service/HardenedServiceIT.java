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

/**
 * What only an in-process run of the JDK sample can show: its own pool exhausted (connections held
 * through {@link HardenedService#dataSource()}) fires DbPoolExhausted in {@code /admin/alerts}.
 * The HTTP contract itself (auth, sessions, CSRF, login guard, health, metrics, backups, alerts,
 * silences, admin-only) has one home, {@code samples/contract-tests} ContractIT, run against this
 * sample's jar and every other sample's.
 */
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
            java.util.concurrent.atomic.AtomicReference<JsonNode> found = new java.util.concurrent.atomic.AtomicReference<>();
            dev.bulwark.testsupport.Poll.until(java.time.Duration.ofSeconds(15), "DbPoolExhausted firing in /admin/alerts",
                    () -> {
                        try {
                            for (JsonNode a : JSON.readTree(call("GET", "/admin/alerts", null, jar).body()).get("alerts")) {
                                if (a.get("name").asText().equals("DbPoolExhausted") && a.get("state").asText().equals("FIRING")) {
                                    found.set(a);
                                }
                            }
                        } catch (Exception e) {
                            return false;
                        }
                        return found.get() != null;
                    });
            JsonNode firing = found.get();
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
}
