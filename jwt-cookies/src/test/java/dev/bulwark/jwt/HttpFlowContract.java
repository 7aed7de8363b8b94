package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole cookie flow through a real HTTP server and {@link HttpClient}: exact Set-Cookie
 * attributes of login, refresh and logout; 401 / 403 answers. Each adapter runs it.
 */
abstract class HttpFlowContract {

    static final String ORIGIN = "https://app.example.com";

    final HttpClient client = HttpClient.newHttpClient();
    JwtCookieAuth auth;
    URI base;
    final dev.bulwark.testsupport.MutableClock clock = new dev.bulwark.testsupport.MutableClock(
            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));

    /** Starts a server with /auth/login, /auth/refresh, /auth/logout, GET /api/me and POST /api/notes. */
    abstract URI start(JwtCookieAuth auth) throws Exception;

    abstract void stop() throws Exception;

    @BeforeEach
    void startServer() throws Exception {
        auth = JwtCookieAuth.create(JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET)).allowOrigin(ORIGIN)
                .build(), new InMemoryTokenStore(), new MetricRegistry(), clock);
        base = start(auth);
    }

    @AfterEach
    void stopServer() throws Exception {
        stop();
    }

    HttpResponse<String> send(String method, String path, Map<String, String> cookies, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method,
                method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (!cookies.isEmpty()) {
            StringBuilder cookie = new StringBuilder();
            cookies.forEach((k, v) -> cookie.append(cookie.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", cookie.toString());
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> cookies(HttpResponse<?> response) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : response.headers().allValues("Set-Cookie")) {
            String pair = c.split(";", 2)[0];
            out.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return out;
    }

    static String setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie " + name));
    }

    String[] csrf(Map<String, String> cookies) {
        return new String[] {"Origin", ORIGIN, "X-CSRF-Token", cookies.get("__Host-csrf")};
    }

    @Test
    void loginSetsExactCookieAttributesAndTheCookieAuthenticates() throws Exception {
        HttpResponse<String> login = send("POST", "/auth/login", Map.of());

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(setCookie(login, "__Host-access_token"))
                .matches("__Host-access_token=[\\w.-]+; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Strict");
        assertThat(setCookie(login, "__Secure-refresh_token"))
                .matches("__Secure-refresh_token=[\\w.-]+; Max-Age=604800; Path=/auth; Secure; HttpOnly; SameSite=Strict");
        assertThat(setCookie(login, "__Host-csrf")).matches("__Host-csrf=[\\w-]+; Max-Age=604800; Path=/; Secure; SameSite=Strict");

        Map<String, String> jar = cookies(login);
        HttpResponse<String> me = send("GET", "/api/me", Map.of("__Host-access_token", jar.get("__Host-access_token")));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"subject\":\"alice\"");
        HttpResponse<String> bearer = send("GET", "/api/me", Map.of(), "Authorization", "Bearer " + jar.get("__Host-access_token"));
        assertThat(bearer.statusCode()).isEqualTo(200);
    }

    @Test
    void missingOrBadTokensGet401WithAChallengeAndJson() throws Exception {
        HttpResponse<String> none = send("GET", "/api/me", Map.of());
        HttpResponse<String> bad = send("GET", "/api/me", Map.of("__Host-access_token", "x.y.z"));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(none.body()).isEqualTo("{\"error\":\"missing_token\",\"message\":\"authentication required\"}");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void unsafeCookieRequestsNeedTheCsrfDefence() throws Exception {
        Map<String, String> jar = cookies(send("POST", "/auth/login", Map.of()));

        HttpResponse<String> foreign = send("POST", "/api/notes", jar, "Origin", "https://evil.example",
                "X-CSRF-Token", jar.get("__Host-csrf"));
        HttpResponse<String> noToken = send("POST", "/api/notes", jar, "Origin", ORIGIN);
        HttpResponse<String> ok = send("POST", "/api/notes", jar, csrf(jar));

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("\"error\":\"csrf_origin\"");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("\"error\":\"csrf_token\"");
        assertThat(ok.statusCode()).isEqualTo(201);
    }

    @Test
    void refreshRotatesAndReuseRevokesTheFamily() throws Exception {
        Map<String, String> jar = cookies(send("POST", "/auth/login", Map.of()));

        HttpResponse<String> refreshed = send("POST", "/auth/refresh", jar, csrf(jar));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(setCookie(refreshed, "__Secure-refresh_token")).contains("; Max-Age=604800; Path=/auth; Secure; HttpOnly; SameSite=Strict");
        Map<String, String> rotated = cookies(refreshed);
        assertThat(rotated.get("__Secure-refresh_token")).isNotEqualTo(jar.get("__Secure-refresh_token"));

        HttpResponse<String> secondTab = send("POST", "/auth/refresh", jar, csrf(jar));
        assertThat(secondTab.statusCode()).as("a concurrent refresh within the grace").isEqualTo(200);
        assertThat(cookies(secondTab).get("__Host-access_token")).isNotNull();

        clock.advance(JwtSettings.DEFAULT_REFRESH_REUSE_GRACE.plusSeconds(1));
        HttpResponse<String> reuse = send("POST", "/auth/refresh", jar, csrf(jar));
        assertThat(reuse.statusCode()).isEqualTo(401);
        assertThat(reuse.body()).contains("refresh_token_reused");
        HttpResponse<String> afterReuse = send("GET", "/api/me", Map.of("__Host-access_token", rotated.get("__Host-access_token")));
        assertThat(afterReuse.statusCode()).isEqualTo(401);
        assertThat(afterReuse.body()).contains("token_revoked");
    }

    @Test
    void logoutClearsTheCookiesAndTheTokenStopsWorking() throws Exception {
        Map<String, String> jar = cookies(send("POST", "/auth/login", Map.of()));

        HttpResponse<String> logout = send("POST", "/auth/logout", jar, csrf(jar));

        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(logout.headers().allValues("Set-Cookie")).containsExactlyInAnyOrder(
                "__Host-access_token=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict",
                "__Secure-refresh_token=; Max-Age=0; Path=/auth; Secure; HttpOnly; SameSite=Strict",
                "__Host-csrf=; Max-Age=0; Path=/; Secure; SameSite=Strict");
        assertThat(send("GET", "/api/me", jar).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/auth/refresh", jar, csrf(jar)).statusCode()).isEqualTo(401);
    }

    static List<String> roles() {
        return List.of("trader", "admin");
    }
}
