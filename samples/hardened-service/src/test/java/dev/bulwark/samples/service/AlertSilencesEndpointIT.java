package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /admin/alerts/silences} on the started sample: admin only, unsafe calls need the CSRF
 * defence, a silence is listed with its creator and ends on DELETE; {@code /admin/alerts} names
 * the instance.
 */
class AlertSilencesEndpointIT {

    @TempDir
    static Path dataDir;
    static HardenedService service;
    static String base;
    static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newHttpClient();

    static HttpResponse<String> call(String method, String path, String body, Map<String, String> cookies,
            String... headers) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
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

    static Map<String, String> login() throws Exception {
        HttpResponse<String> r = call("POST", "/auth/login", "{\"username\":\"demo\",\"password\":\"test-password\"}",
                Map.of(), "Content-Type", "application/json", "Origin", base);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return HardenedServiceIT.jar(r);
    }

    @BeforeAll
    static void start() throws Exception {
        service = HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(),
                "SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock", "ALERT_INSTANCE", "sample-1"), "test-password");
        base = service.url();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static String[] csrf(Map<String, String> jar) {
        return new String[] {"Origin", base, "X-CSRF-Token", jar.get("__Host-csrf"),
            "Content-Type", "application/json"};
    }

    @Test
    void silencesAreAdminOnlyCsrfProtectedListedAndEnded() throws Exception {
        String body = "{\"matchers\":{\"alertname\":\"DbPoolExhausted\"},\"durationMinutes\":60,\"comment\":\"db upgrade\"}";
        assertThat(call("GET", "/admin/alerts/silences", null, Map.of()).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/admin/alerts/silences", body, Map.of(), "Content-Type",
                "application/json").statusCode()).isEqualTo(401);
        Map<String, String> jar = login();

        HttpResponse<String> noToken = call("POST", "/admin/alerts/silences", body, jar, "Origin",
                base, "Content-Type", "application/json");
        assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(403);
        assertThat(call("GET", "/admin/alerts/silences", null, jar).body()).contains("\"silences\":[]");

        HttpResponse<String> bad = call("POST", "/admin/alerts/silences", "{\"matchers\":{},"
                + "\"durationMinutes\":60}", jar, csrf(jar));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(HardenedServiceIT.JSON.readTree(bad.body()).get("message").asText()).contains("at least one label matcher");

        HttpResponse<String> created = call("POST", "/admin/alerts/silences", body, jar, csrf(jar));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode silence = HardenedServiceIT.JSON.readTree(created.body());
        assertThat(silence.get("createdBy").asText()).isEqualTo("demo");
        assertThat(silence.get("matchers").get("alertname").asText()).isEqualTo("DbPoolExhausted");
        JsonNode listed = HardenedServiceIT.JSON.readTree(call("GET", "/admin/alerts/silences", null, jar)
                .body()).get("silences");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(silence.get("id").asText());

        String path = "/admin/alerts/silences/" + silence.get("id").asText();
        HttpResponse<String> deleteNoToken = call("DELETE", path, null, jar, "Origin",
                base);
        assertThat(deleteNoToken.statusCode()).isEqualTo(403);
        assertThat(call("DELETE", path, null, jar, csrf(jar)).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", path, null, jar, csrf(jar)).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/admin/alerts/silences", null, jar).body()).contains("\"silences\":[]");

        JsonNode alerts = HardenedServiceIT.JSON.readTree(call("GET", "/admin/alerts", null, jar).body());
        assertThat(alerts.get("instance").asText()).isEqualTo("sample-1");
        assertThat(alerts.get("leader").asBoolean()).isTrue();
    }
}
