package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Allowed origins supplied after the settings are built ({@code allowOrigins(Supplier)}): asked at
 * the first check, once; compared exactly as fixed ones; never derived from the request.
 */
class SuppliedOriginsTest {

    /** A server that knows its port only once started, as Spring's embedded Tomcat with PORT=0. */
    static final class FakeServer {
        volatile int port;
        final AtomicInteger asked = new AtomicInteger();

        int port() {
            asked.incrementAndGet();
            if (port == 0) {
                throw new IllegalStateException("not started yet");
            }
            return port;
        }
    }

    final FakeServer server = new FakeServer();
    final JwtKeys keys = JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET);
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));

    JwtSettings settings() {
        // region readme-supplied-origins
        JwtSettings settings = JwtSettings.builder(keys)
                .allowOrigins(() -> List.of("http://localhost:" + server.port()))   // asked at the first request that checks an origin
                .build();
        // endregion
        return settings;
    }

    JwtCookieAuth auth() {
        return JwtCookieAuth.create(settings(), new InMemoryTokenStore(), new MetricRegistry(), clock);
    }

    static FakeHttp.Response login(JwtCookieAuth auth) {
        FakeHttp.Response response = new FakeHttp.Response();
        auth.login("alice", List.of("trader"), response);
        return response;
    }

    static FakeHttp.Request post(FakeHttp.Response session, String origin) {
        return new FakeHttp.Request("POST").cookiesFrom(session).header("Origin", origin)
                .header("X-CSRF-Token", session.cookies().get("__Host-csrf"));
    }

    @Test
    void theSuppliedOriginIsAskedAtTheFirstCheckNotWhenTheAuthenticatorIsBuiltAndThenKept() {
        JwtCookieAuth auth = auth();
        FakeHttp.Response session = login(auth);
        assertThat(server.asked).as("not asked before a request needs it").hasValue(0);
        server.port = 8443;

        AuthResult first = auth.authenticate(post(session, "http://localhost:8443"));
        AuthResult second = auth.authenticate(post(session, "http://localhost:8443/"));

        assertThat(first.authenticated()).isTrue();
        assertThat(second.authenticated()).isTrue();
        assertThat(server.asked).as("asked once, then kept").hasValue(1);
    }

    @Test
    void anOriginTheSupplierDidNotSupplyIsRefusedEvenWhenItIsTheRequestsOwnHost() {
        JwtCookieAuth auth = auth();
        FakeHttp.Response session = login(auth);
        server.port = 8443;

        // A DNS-rebinding page or a misrouted proxy: Origin and Host agree, but neither is ours.
        AuthResult rebound = auth.authenticate(post(session, "http://evil.example:8443").header("Host", "evil.example:8443"));
        AuthResult otherPort = auth.authenticate(post(session, "http://localhost:9999").header("Host", "localhost:9999"));
        AuthResult otherScheme = auth.authenticate(post(session, "https://localhost:8443"));

        assertThat(rebound.refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
        assertThat(otherPort.refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
        assertThat(otherScheme.refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
    }

    @Test
    void aSupplierThatCannotAnswerYetLetsNothingThroughAndIsAskedAgain() {
        JwtCookieAuth auth = auth();
        FakeHttp.Response session = login(auth);

        assertThatThrownBy(() -> auth.authenticate(post(session, "http://localhost:8443")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started yet");
        server.port = 8443;

        assertThat(auth.authenticate(post(session, "http://localhost:8443")).authenticated()).isTrue();
        assertThat(server.asked).hasValue(2);
    }

    @Test
    void aBadSuppliedOriginIsAnErrorNamingTheSupplier() {
        JwtSettings bad = JwtSettings.builder(keys).allowOrigins(() -> List.of("localhost:8443/path")).build();
        JwtSettings none = JwtSettings.builder(keys).allowOrigins(List::of).build();

        assertThatThrownBy(bad::allowedOrigins).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowOrigins(Supplier)").hasMessageContaining("localhost:8443/path");
        assertThatThrownBy(none::allowedOrigins).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("supplied no origin");
    }

    @Test
    void fixedAndSuppliedOriginsAddUpTheSupplierSurvivesToBuilderAndToStringDoesNotAskIt() {
        JwtSettings settings = JwtSettings.builder(keys).allowOrigin("https://app.example.com")
                .allowOrigins(() -> List.of("http://localhost:" + server.port())).build();
        JwtSettings copy = settings.toBuilder().build();

        assertThat(settings.toString()).contains("https://app.example.com", "<supplied at the first request>");
        assertThat(server.asked).hasValue(0);
        server.port = 8080;
        assertThat(copy.allowedOrigins()).containsExactlyInAnyOrder("https://app.example.com", "http://localhost:8080");
        assertThat(settings.allowedOrigins()).as("one supplier, asked once for both").hasSize(2);
        assertThat(server.asked).hasValue(1);
    }

    @Test
    void theLoginGuardTakesASuppliedOriginTheSameWay() {
        LoginGuard guard = LoginGuard.create(LoginGuardSettings.builder()
                .allowOrigins(() -> List.of("http://localhost:" + server.port())).build(),
                new InMemoryThrottleStore(), new MetricRegistry(), clock);
        assertThat(server.asked).hasValue(0);
        server.port = 8443;
        FakeHttp.Request json = new FakeHttp.Request("POST").header("Content-Type", "application/json");

        assertThat(guard.checkRequest(json.header("Origin", "http://localhost:8443"))).isEmpty();
        assertThat(guard.checkRequest(new FakeHttp.Request("POST").header("Content-Type", "application/json")
                .header("Origin", "http://evil.example:8443").header("Host", "evil.example:8443")))
                .contains(LoginRefusal.ORIGIN);
        assertThat(guard.settings().toBuilder().build().allowedOrigins()).containsExactly("http://localhost:8443");
        assertThat(server.asked).hasValue(1);
    }
}
