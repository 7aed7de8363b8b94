package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Examples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the login guard's and the Argon2id hasher's javadoc examples and checks the javadoc shows this code. */
class LoginJavadocExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/jwt/LoginJavadocExamplesTest.java");
    private static final Path MAIN = Path.of("src/main/java/dev/bulwark/jwt");

    /** A stored user: id, Argon2id hash, roles. */
    record User(String id, String hash, List<String> roles) {
    }

    /** The login form the service parsed. */
    record Form(String username, String password) {
    }

    /** The service's users. */
    static final class Users {
        final Map<String, User> byName = new HashMap<>();

        Optional<User> find(String name) {
            return Optional.ofNullable(byName.get(normalise(name)));
        }

        String hashOf(String name) {
            return find(name).map(User::hash).orElse(null);
        }

        String normalise(String name) {
            return name.strip().toLowerCase(Locale.ROOT);
        }
    }

    private final Users users = new Users();
    private final List<String> refused = new ArrayList<>();

    private void refuse(int status, String json) {
        refused.add(status + " " + json);
    }

    @BeforeEach
    void environment() {
        System.setProperty("JWT_ARGON2_MEMORY_KIB", "1024"); // a cheap hash for the test; the defaults are OWASP's
    }

    @AfterEach
    void clear() {
        System.clearProperty("JWT_ARGON2_MEMORY_KIB");
    }

    @Test
    void theJavadocExamplesAreTheCodeTheseTestsRun() {
        List<String> guard = Examples.javadocCode(MAIN.resolve("LoginGuard.java"));
        assertThat(Examples.normalized(guard.get(0))).isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-guard")));
        assertThat(Examples.normalized(guard.get(1))).isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-account")));
        assertThat(Examples.normalized(Examples.javadocCode(MAIN.resolve("Argon2idPasswordHasher.java")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-hasher")));
    }

    @Test
    void theGuardExampleLogsInWithTheRightPasswordAndRefusesAWrongOne() {
        // region javadoc-hasher
        PasswordHasher hasher = Argon2idPasswordHasher.fromEnvironment();   // JWT_ARGON2_* or the defaults
        // endregion
        users.byName.put("alice", new User("u-1", hasher.hash("correct horse"), List.of("trader")));
        LoginGuard guard = LoginGuard.create(LoginGuardSettings.builder().allowOrigin(JwtCookieAuthTest.ORIGIN).build(), new InMemoryThrottleStore(),
                new MetricRegistry());
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET))
                .allowOrigin(JwtCookieAuthTest.ORIGIN).build(), new InMemoryTokenStore(), new MetricRegistry());
        FakeHttp.Request request = new FakeHttp.Request("POST").header("Content-Type", "application/json")
                .header("Origin", JwtCookieAuthTest.ORIGIN);
        FakeHttp.Response response = new FakeHttp.Response();
        String username = "alice";
        String password = "correct horse";
        String clientAddress = "203.0.113.7";
        List<String> roles = List.of("trader");
        // region javadoc-guard
        Optional<LoginRefusal> bad = guard.checkRequest(request);                // 415 / 403, body unread
        LoginOutcome outcome = guard.attempt(username, clientAddress,
                () -> hasher.verify(password, users.hashOf(username)));           // null hash: unknown user
        if (outcome.succeeded()) { auth.login(username, roles, request, response); }
        else { outcome.writeHeaders(response); refuse(outcome.refusal().status(), outcome.refusal().json()); }   // 401 / 429 / 503
        // endregion
        assertThat(bad).isEmpty();
        assertThat(outcome.succeeded()).isTrue();
        assertThat(response.cookies()).containsKey("__Host-access_token");
        assertThat(refused).isEmpty();

        LoginOutcome wrong = guard.attempt(username, clientAddress, () -> hasher.verify("wrong", users.hashOf(username)));
        if (!wrong.succeeded()) { refuse(wrong.refusal().status(), wrong.refusal().json()); }
        assertThat(refused).singleElement().asString().startsWith("401 ");
    }

    @Test
    void theAccountExampleCountsTheResolvedAccount() {
        PasswordHasher hasher = Argon2idPasswordHasher.fromEnvironment();
        users.byName.put("alice", new User("u-1", hasher.hash("correct horse"), List.of("trader")));
        LoginGuard guard = LoginGuard.create(LoginGuardSettings.builder().allowOrigin(JwtCookieAuthTest.ORIGIN).build(), new InMemoryThrottleStore(),
                new MetricRegistry());
        Form form = new Form("  ALICE ", "correct horse");
        String clientAddress = "203.0.113.8";
        // region javadoc-account
        Optional<User> user = users.find(form.username());                    // the lookup, however lenient
        String account = user.map(User::id).orElse(users.normalise(form.username()));
        LoginOutcome outcome = guard.attemptForAccount(account, clientAddress,
                () -> hasher.verify(form.password(), user.map(User::hash).orElse(null)));
        // endregion
        assertThat(account).isEqualTo("u-1");
        assertThat(outcome.succeeded()).isTrue();
    }
}
