package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import dev.bulwark.testsupport.Examples;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the README's login guard and password hasher examples and checks the README shows exactly this code. */
class LoginExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/jwt/LoginExamplesTest.java");

    /** The service's own body parsing, which the example leaves to the reader. */
    record LoginForm(String username, String password) {
        static LoginForm read(InputStream body) throws IOException {
            String json = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new LoginForm(field(json, "username"), field(json, "password"));
        }

        private static String field(String json, String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"")
                    .matcher(json);
            return m.find() ? m.group(1) : "";
        }
    }

    /** The service's own user table. */
    static final class Users {
        final Map<String, String> hashes = new HashMap<>();

        String hashOf(String username) {
            return hashes.get(username);
        }

        List<String> rolesOf(String username) {
            return List.of("trader");
        }

        void save(String username, String hash) {
            hashes.put(username, hash);
        }
    }

    @AfterEach
    void clear() {
        System.clearProperty("JWT_SECRET");
        System.clearProperty("JWT_INSECURE_DEV_COOKIES");
        System.clearProperty("JWT_ARGON2_MEMORY_KIB");
        System.clearProperty("JWT_ARGON2_ITERATIONS");
    }

    private static String readmeBlock(String marker) {
        return Examples.readmeJava(Path.of("README.md")).stream().filter(b -> b.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no README java block containing " + marker));
    }

    @Test
    void theReadmeExamplesAreTheCodeThisTestRuns() {
        assertThat(Examples.normalized(readmeBlock("guard.checkRequest")))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "guard")));
        assertThat(Examples.normalized(readmeBlock("hasher.needsRehash")))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "hasher")));
    }

    @Test
    void readmeGuardExampleRefusesTextPlainAndThrottlesGuesses() throws Exception {
        System.setProperty("JWT_SECRET", Base64.getEncoder().encodeToString(JwtCookieAuthTest.SECRET));
        System.setProperty("JWT_INSECURE_DEV_COOKIES", "true"); // plain http on loopback in this test
        MetricRegistry metrics = new MetricRegistry();
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(), new InMemoryTokenStore(), metrics);
        Users users = new Users();
        users.save("alice", Argon2idPasswordHasher.builder().memoryKiB(1024).iterations(1).build().hash("right"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // region guard
        LoginGuard guard = LoginGuard.create(LoginGuardSettings.fromEnvironment(), new InMemoryThrottleStore(), metrics);
        PasswordHasher hasher = Argon2idPasswordHasher.fromEnvironment();

        server.createContext("/auth/login", ex -> {
            Optional<LoginRefusal> bad = guard.checkRequest(JdkHttpAuth.request(ex));    // 415 / 403, body unread
            if (bad.isPresent()) { JdkHttpAuth.refuse(ex, bad.get()); return; }
            LoginForm form = LoginForm.read(ex.getRequestBody());                          // your JSON parsing
            LoginOutcome outcome = guard.attempt(form.username(), guard.clientAddress(JdkHttpAuth.request(ex), JdkHttpAuth.clientAddress(ex)),
                    () -> hasher.verify(form.password(), users.hashOf(form.username())));  // null hash: unknown user
            if (!outcome.succeeded()) { JdkHttpAuth.refuse(ex, outcome); return; }        // 401, or 429 + Retry-After
            auth.login(form.username(), users.rolesOf(form.username()), JdkHttpAuth.request(ex), JdkHttpAuth.response(ex));
            ex.sendResponseHeaders(200, -1);
        });
        // endregion
        server.start();
        try {
            URI login = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/auth/login");
            HttpClient client = HttpClient.newHttpClient();
            java.util.function.BiFunction<String, String, Integer> post = (type, password) -> {
                try {
                    return client.send(HttpRequest.newBuilder(login).header("Content-Type", type)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"" + password
                                    + "\"}")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };

            assertThat(post.apply("text/plain", "right")).isEqualTo(415);
            assertThat(post.apply("application/json", "right")).isEqualTo(200);
            for (int i = 0; i < LoginGuardSettings.DEFAULT_MAX_ATTEMPTS_PER_USER; i++) {
                assertThat(post.apply("application/json", "wrong")).isEqualTo(401);
            }
            assertThat(post.apply("application/json", "right")).isEqualTo(429);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void readmeHasherExampleStoresVerifiesAndRehashes() {
        Users users = new Users();
        String newPassword = "correct horse";
        String presented = "correct horse";
        System.setProperty("JWT_ARGON2_MEMORY_KIB", "1024");
        System.setProperty("JWT_ARGON2_ITERATIONS", "1");
        PasswordHasher weaker = Argon2idPasswordHasher.fromEnvironment();
        users.save("alice", weaker.hash(newPassword));
        String before = users.hashOf("alice");
        System.setProperty("JWT_ARGON2_ITERATIONS", "2"); // the parameters were raised since
        // region hasher
        PasswordHasher hasher = Argon2idPasswordHasher.fromEnvironment();     // OWASP defaults: m=19456 KiB, t=2, p=1

        boolean ok = hasher.verify(presented, users.hashOf("alice"));          // constant time; a null hash checks a dummy
        if (ok && hasher.needsRehash(users.hashOf("alice"))) {                 // stored with older parameters
            users.save("alice", hasher.hash(presented));                         // $argon2id$v=19$m=...,t=...,p=...$salt$hash
        }
        // endregion

        assertThat(ok).isTrue();
        assertThat(before).contains("t=1,");
        assertThat(users.hashOf("alice")).contains("t=2,");
        assertThat(hasher.verify(presented, users.hashOf("alice"))).isTrue();
        assertThat(hasher.verify("wrong", users.hashOf("alice"))).isFalse();
        assertThat(hasher.verify(presented, users.hashOf("bob"))).isFalse();
    }
}
