package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import dev.bulwark.testsupport.Examples;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the module's other documented examples (javadoc of {@link JwtCookieAuth},
 * {@link PasswordHasher}, {@link SessionValidator}; the README's session validator, servlet and JDK
 * server blocks, whose code runs in {@code JettyServletIT} / {@code JdkHttpServerIT}) and checks the
 * documentation shows exactly that code.
 */
class MoreExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/jwt/MoreExamplesTest.java");
    private static final Path MAIN = Path.of("src/main/java/dev/bulwark/jwt");
    private static final String ORIGIN = JwtCookieAuthTest.ORIGIN;

    /** The user directory the session-validator example consults. */
    record User(boolean active, List<String> roles) {
    }

    /** The service's users, as the examples name them. */
    static final class Users {
        final Map<String, User> byName = new HashMap<>();

        Optional<User> find(String name) {
            return Optional.ofNullable(byName.get(name));
        }
    }

    private final Users users = new Users();
    private final List<String> stored = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    private void store(String hash) {
        stored.add(hash);
    }

    private void refuse(int status, String json) {
        refused.add(status + " " + json);
    }

    @BeforeEach
    void secret() {
        System.setProperty("JWT_SECRET", Base64.getEncoder().encodeToString(JwtCookieAuthTest.SECRET));
        System.setProperty("JWT_ALLOWED_ORIGINS", ORIGIN);
    }

    @AfterEach
    void clear() {
        System.clearProperty("JWT_SECRET");
        System.clearProperty("JWT_ALLOWED_ORIGINS");
    }

    @Test
    void theDocumentedExamplesAreTheCodeTheseTestsRun() {
        List<String> readme = Examples.readmeJava(Path.of("README.md"));
        Path jetty = Path.of("src/test/java/dev/bulwark/jwt/JettyServletIT.java");
        Path jdk = Path.of("src/test/java/dev/bulwark/jwt/JdkHttpServerIT.java");
        assertThat(same(readme.get(1), Examples.region(jetty, "readme-servlet"))).isTrue();
        assertThat(same(Examples.javadocCode(MAIN.resolve("servlet/JwtAuthServletFilter.java")).get(0),
                Examples.region(jetty, "readme-servlet"))).isTrue();
        assertThat(same(Examples.javadocCode(MAIN.resolve("servlet/JwtAuthServletFilter.java")).get(1),
                Examples.region(jetty, "javadoc-servlet-role"))).isTrue();
        assertThat(same(Examples.javadocCode(MAIN.resolve("jdkhttp/JdkHttpAuth.java")).get(0),
                Examples.region(jdk, "javadoc-jdkhttp"))).isTrue();
        assertThat(same(readme.get(2), Examples.region(SELF, "readme-validator"))).isTrue();
        assertThat(same(readme.get(3), Examples.region(SELF, "readme-sessions"))).isTrue();
        assertThat(same(Examples.javadocCode(MAIN.resolve("SessionValidator.java")).get(0),
                Examples.region(SELF, "javadoc-validator"))).isTrue();
        assertThat(same(Examples.javadocCode(MAIN.resolve("PasswordHasher.java")).get(0),
                Examples.region(SELF, "javadoc-hasher"))).isTrue();
        assertThat(same(Examples.javadocCode(MAIN.resolve("JwtCookieAuth.java")).get(0),
                Examples.region(SELF, "javadoc-auth"))).isTrue();
    }

    private static boolean same(String documented, String tested) {
        assertThat(Examples.normalized(documented)).isEqualTo(Examples.normalized(tested));
        return true;
    }

    @Test
    void thePasswordHasherExampleHashesVerifiesAndRehashes() {
        // region javadoc-hasher
        PasswordHasher hasher = Argon2idPasswordHasher.ofDefaults();
        String stored = hasher.hash("correct horse");                  // $argon2id$v=19$m=19456,t=2,p=1$...
        boolean ok = hasher.verify("correct horse", stored);           // constant-time comparison
        if (ok && hasher.needsRehash(stored)) { store(hasher.hash("correct horse")); }
        // endregion
        assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(ok).isTrue();
        assertThat(hasher.verify("wrong horse", stored)).isFalse();
        assertThat(this.stored).as("current parameters: no rehash").isEmpty();
    }

    @Test
    void theAuthExampleLogsInAndRefusesAnAnonymousRequest() {
        MetricRegistry metrics = new MetricRegistry();
        FakeHttp.Response response = new FakeHttp.Response();
        AuthRequest request = new AuthRequest() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public Optional<String> header(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<String> cookie(String name) {
                return Optional.ofNullable(response.cookies().get(name));
            }
        };
        // region javadoc-auth
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(), new InMemoryTokenStore(), metrics);
        auth.login("alice", List.of("trader"), response);          // after your own password check
        AuthResult result = auth.authenticate(request);            // every protected request
        if (!result.authenticated()) { refuse(result.refusal().status(), result.refusal().json()); }
        // endregion
        assertThat(result.authentication().subject()).isEqualTo("alice");
        assertThat(refused).isEmpty();
        AuthResult anonymous = auth.authenticate(new FakeHttp.Request("GET"));
        if (!anonymous.authenticated()) { refuse(anonymous.refusal().status(), anonymous.refusal().json()); }
        assertThat(refused).singleElement().asString().startsWith("401 ");
    }

    @Test
    void theValidatorExamplesRefreshAnActiveUserWithCurrentRolesAndRefuseADisabledOne() throws Exception {
        users.byName.put("alice", new User(true, List.of("trader")));
        MetricRegistry metrics = new MetricRegistry();
        JwtSettings settings = JwtSettings.fromEnvironment();
        TokenStore store = new InMemoryTokenStore();
        // region javadoc-validator
        SessionValidator validator = session -> users.find(session.subject())
                .filter(User::active)
                .map(user -> SessionValidator.Decision.allow(user.roles()))
                .orElse(SessionValidator.Decision.refuse());
        JwtCookieAuth auth = JwtCookieAuth.create(settings, store, metrics, Clock.systemUTC(), validator);
        // endregion
        FakeHttp.Response session = new FakeHttp.Response();
        auth.login("alice", List.of("trader", "admin"), session);
        users.byName.put("alice", new User(true, List.of("trader")));
        FakeHttp.Response rotated = new FakeHttp.Response();
        AuthResult refreshed = auth.refresh(unsafe(session), rotated);
        assertThat(refreshed.authentication().roles()).as("roles re-read at refresh").containsExactly("trader");
        users.byName.put("alice", new User(false, List.of("trader")));
        assertThat(auth.refresh(unsafe(rotated), new FakeHttp.Response()).authenticated()).isFalse();

    }

    @Test
    void theReadmeValidatorExampleRunsOnAJdbcStore() throws Exception {
        users.byName.put("bob", new User(true, List.of("viewer")));
        MetricRegistry metrics = new MetricRegistry();
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:validator-example;DB_CLOSE_DELAY=-1");
        // region readme-validator
        SessionValidator validator = session -> users.find(session.subject())
                .filter(User::active)
                .map(user -> SessionValidator.Decision.allow(user.roles()))
                .orElse(SessionValidator.Decision.refuse());
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(), new JdbcTokenStore(dataSource).createTables(),
                metrics, Clock.systemUTC(), validator);
        // endregion
        FakeHttp.Response bob = new FakeHttp.Response();
        auth.login("bob", List.of("viewer", "admin"), bob);
        assertThat(auth.refresh(unsafe(bob), new FakeHttp.Response()).authentication().roles()).containsExactly("viewer");
        users.byName.remove("bob");
        FakeHttp.Response again = new FakeHttp.Response();
        auth.login("bob", List.of("viewer"), again);
        assertThat(auth.refresh(unsafe(again), new FakeHttp.Response()).authenticated()).as("unknown user refused").isFalse();
    }

    @Test
    void theSessionsEndpointExampleListsAndEndsSessionsOverHttp() throws Exception {
        System.setProperty("JWT_INSECURE_DEV_COOKIES", "true"); // plain http on loopback in this test
        try {
            JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(), new InMemoryTokenStore(),
                    new MetricRegistry());
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            // region readme-sessions
            server.createContext("/auth/sessions", ex -> {
                Authentication caller = JdkHttpAuth.caller(ex);
                if ("GET".equals(ex.getRequestMethod())) {
                    send(ex, 200, toJson(auth.sessions(caller)));                    // [{id, current, createdAt, ...}]
                } else if ("DELETE".equals(ex.getRequestMethod())) {                 // CSRF-checked by the filter
                    String id = ex.getRequestURI().getPath().substring("/auth/sessions/".length());
                    ex.sendResponseHeaders(auth.endSession(caller, id) ? 204 : 404, -1);
                }
            }).getFilters().add(JdkHttpAuth.filter(auth));                          // the caller, CSRF on DELETE
            // endregion
            server.start();
            try {
                FakeHttp.Response phone = new FakeHttp.Response();
                FakeHttp.Response laptop = new FakeHttp.Response();
                auth.login("alice", List.of("trader"), phone);
                auth.login("alice", List.of("trader"), laptop);
                String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/auth/sessions";
                HttpClient client = HttpClient.newHttpClient();
                HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(base))
                        .header("Cookie", cookies(laptop)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(list.body()).contains("\"current\":true").contains("\"current\":false");
                String other = auth.sessions(auth.authenticate(new FakeHttp.Request("GET").cookiesFrom(laptop))
                        .authentication()).stream().filter(x -> !x.current()).findFirst().orElseThrow().id();
                HttpResponse<String> end = client.send(HttpRequest.newBuilder(URI.create(base + "/" + other))
                        .DELETE().header("Cookie", cookies(laptop)).header("Origin", ORIGIN)
                        .header("X-CSRF-Token", laptop.cookies().get("csrf")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(end.statusCode()).isEqualTo(204);
                assertThat(auth.authenticate(new FakeHttp.Request("GET").cookiesFrom(phone)).authenticated())
                        .as("the ended session's access token is refused at once").isFalse();
            } finally {
                server.stop(0);
            }
        } finally {
            System.clearProperty("JWT_INSECURE_DEV_COOKIES");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String toJson(List<ActiveSession> sessions) {
        return sessions.stream().map(x -> "{\"id\":\"" + x.id() + "\",\"current\":" + x.current() + "}")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    private static String cookies(FakeHttp.Response session) {
        StringBuilder c = new StringBuilder();
        session.cookies().forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        return c.toString();
    }

    private static FakeHttp.Request unsafe(FakeHttp.Response session) {
        return new FakeHttp.Request("POST").cookiesFrom(session).header("Origin", ORIGIN)
                .header("X-CSRF-Token", session.cookies().get("__Host-csrf"));
    }
}
