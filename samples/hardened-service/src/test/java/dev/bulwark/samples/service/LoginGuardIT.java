package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /auth/login over HTTP through the login guard: content type, origin, Fetch Metadata, throttling. */
class LoginGuardIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final String RIGHT = "{\"username\":\"demo\",\"password\":\"guard-password\"}";
    static final String WRONG = "{\"username\":\"demo\",\"password\":\"guess\"}";

    @TempDir
    static Path dataDir;
    static HardenedService service;

    @BeforeAll
    static void start() throws Exception {
        service = HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(),
                "SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock", "BACKUP_SCHEDULE", "off",
                "JWT_LOGIN_MAX_ATTEMPTS_PER_USER", "3"), "guard-password");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static HttpResponse<String> login(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url() + "/auth/login"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTextPlainOrFormLoginIsRefusedWith415EvenWithTheRightPassword() throws Exception {
        HttpResponse<String> plain = login(RIGHT, "Content-Type", "text/plain", "Origin", service.url());
        HttpResponse<String> form = login("username=demo&password=guard-password",
                "Content-Type", "application/x-www-form-urlencoded", "Origin", service.url());

        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(plain.body()).get("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(plain.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(form.statusCode()).isEqualTo(415);
    }

    @Test
    void aCrossSiteOrForeignOriginLoginIsRefusedWith403() throws Exception {
        HttpResponse<String> crossSite = login(RIGHT, "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site",
                "Origin", service.url());
        HttpResponse<String> foreign = login(RIGHT, "Content-Type", "application/json", "Origin", "https://evil.example");

        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(crossSite.body()).get("error").asText()).isEqualTo("login_cross_site");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(foreign.body()).get("error").asText()).isEqualTo("login_origin");
        assertThat(foreign.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void wrongPasswordsEndIn429WithRetryAfterAndThenTheRightPasswordIs429Too() throws Exception {
        assertThat(login(RIGHT, "Content-Type", "application/json", "Origin", service.url()).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(login(WRONG, "Content-Type", "application/json").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> fourth = login(WRONG, "Content-Type", "application/json");
        HttpResponse<String> right = login(RIGHT, "Content-Type", "application/json", "Origin", service.url());

        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(right.body()).get("error").asText()).isEqualTo("login_throttled");
        assertThat(Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 900L);
        assertThat(right.headers().allValues("Set-Cookie")).isEmpty();
        String metrics = CLIENT.send(HttpRequest.newBuilder(URI.create(service.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("bulwark_jwt_login_failed_total [1-9]")
                .containsPattern("bulwark_jwt_login_throttled_total [1-9]");
    }

    @Test
    void anUnknownUserGetsTheSameAnswerAsAWrongPassword() throws Exception {
        HttpResponse<String> unknown = login("{\"username\":\"nobody\",\"password\":\"guess\"}",
                "Content-Type", "application/json");

        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("bad_credentials");
    }
}
