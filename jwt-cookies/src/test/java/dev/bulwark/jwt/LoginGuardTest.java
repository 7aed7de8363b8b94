package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The login guard's request checks, throttling and counters (the throttle stores: ThrottleStoreContract). */
class LoginGuardTest {

    static final String ORIGIN = "https://app.example.com";
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    final MetricRegistry metrics = new MetricRegistry();
    final LoginGuard guard = LoginGuard.create(LoginGuardSettings.builder().allowOrigin(ORIGIN).build(),
            new InMemoryThrottleStore(), metrics, clock);

    static FakeHttp.Request json() {
        return new FakeHttp.Request("POST").header("Content-Type", "application/json").header("Origin", ORIGIN);
    }

    @Test
    void onlyJsonBodiesAreAccepted() {
        assertThat(guard.checkRequest(json())).isEmpty();
        assertThat(guard.checkRequest(json().header("Content-Type", "application/json; charset=utf-8"))).isEmpty();
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/jsonx", "text/plain; application/json"}) {
            assertThat(guard.checkRequest(json().header("Content-Type", type))).as(type).contains(LoginRefusal.NOT_JSON);
        }
        FakeHttp.Request none = new FakeHttp.Request("POST").header("Origin", ORIGIN);
        assertThat(guard.checkRequest(none)).contains(LoginRefusal.NOT_JSON);
        assertThat(LoginRefusal.NOT_JSON.status()).isEqualTo(415);
    }

    @Test
    void aCrossSiteRequestIsRefusedEvenFromAnAllowedOrigin() {
        assertThat(guard.checkRequest(json().header("Sec-Fetch-Site", "cross-site"))).contains(LoginRefusal.CROSS_SITE);
        assertThat(guard.checkRequest(json().header("Sec-Fetch-Site", "same-origin"))).isEmpty();
        assertThat(LoginRefusal.CROSS_SITE.status()).isEqualTo(403);
    }

    @Test
    void aForeignOriginIsRefused() {
        assertThat(guard.checkRequest(json().header("Origin", "https://evil.example"))).contains(LoginRefusal.ORIGIN);
        assertThat(guard.checkRequest(json().header("Origin", "null"))).contains(LoginRefusal.ORIGIN);
        assertThat(guard.checkRequest(json().header("Sec-Fetch-Site", "same-site").header("Origin", "https://x.example.com")))
                .contains(LoginRefusal.ORIGIN);
        FakeHttp.Request referer = new FakeHttp.Request("POST").header("Content-Type", "application/json")
                .header("Referer", "https://evil.example/login");
        assertThat(guard.checkRequest(referer)).contains(LoginRefusal.ORIGIN);
        assertThat(guard.checkRequest(referer.header("Referer", ORIGIN + "/login"))).isEmpty();
        assertThat(metrics.counter("bulwark.jwt.login.refused").getCount()).isEqualTo(4);
    }

    @Test
    void aClientThatSendsNoBrowserHeadersPasses() {
        assertThat(guard.checkRequest(new FakeHttp.Request("POST").header("Content-Type", "application/json"))).isEmpty();
    }

    @Test
    void wrongPasswordsThrottleTheUserAndThenEvenTheRightOneGets429() {
        for (int i = 0; i < 5; i++) {
            assertThat(guard.attempt("alice", "192.0.2.1", () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        }
        AtomicInteger checks = new AtomicInteger();
        LoginOutcome wrong = guard.attempt("alice", "192.0.2.2", () -> checks.incrementAndGet() < 0);
        LoginOutcome right = guard.attempt("Alice ", "192.0.2.3", () -> checks.incrementAndGet() > 0);

        assertThat(wrong.refusal()).isEqualTo(LoginRefusal.THROTTLED);
        assertThat(right.refusal()).isEqualTo(LoginRefusal.THROTTLED);
        assertThat(right.retryAfter()).isEqualTo(Duration.ofMinutes(15));
        assertThat(checks).as("credentials are not checked while throttled").hasValue(0);
        assertThat(LoginRefusal.THROTTLED.status()).isEqualTo(429);
        java.util.List<String> headers = new java.util.ArrayList<>();
        right.writeHeaders((name, value) -> headers.add(name + ": " + value));
        assertThat(headers).containsExactly("Retry-After: 900");
        assertThat(metrics.counter("bulwark.jwt.login.failed").getCount()).isEqualTo(5);
        assertThat(metrics.counter("bulwark.jwt.login.throttled").getCount()).isEqualTo(2);
    }

    @Test
    void theLockoutEndsAndRetryAfterCountsDown() {
        for (int i = 0; i < 5; i++) {
            guard.attempt("alice", "192.0.2.1", () -> false);
        }
        assertThat(guard.attempt("alice", "192.0.2.1", () -> true).refusal()).isEqualTo(LoginRefusal.THROTTLED);
        clock.advance(Duration.ofMinutes(10).plusMillis(500));
        assertThat(guard.attempt("alice", "192.0.2.1", () -> true).retryAfter()).isEqualTo(Duration.ofSeconds(300));
        clock.advance(Duration.ofMinutes(5));

        assertThat(guard.attempt("alice", "192.0.2.1", () -> true).succeeded()).isTrue();
    }

    @Test
    void aSuccessfulLoginResetsTheUsersCount() {
        for (int i = 0; i < 4; i++) {
            guard.attempt("alice", "192.0.2.1", () -> false);
        }
        assertThat(guard.attempt("alice", "192.0.2.1", () -> true).succeeded()).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(guard.attempt("alice", "192.0.2.1", () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        }
        assertThat(metrics.counter("bulwark.jwt.login.succeeded").getCount()).isEqualTo(1);
    }

    @Test
    void oneClientGuessingManyUserNamesIsThrottled() {
        for (int i = 0; i < 50; i++) {
            assertThat(guard.attempt("user" + i, "2001:db8::" + i, () -> false).refusal())
                    .isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        }
        // Another address of the same IPv6 /64, and a user never tried.
        assertThat(guard.attempt("bob", "[2001:db8:0:0:ffff::1]", () -> true).refusal()).isEqualTo(LoginRefusal.THROTTLED);
        assertThat(guard.attempt("bob", "198.51.100.7", () -> true).succeeded()).isTrue();
    }

    @Test
    void parallelGuessesCannotSlipPastTheLimit() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        Thread[] threads = new Thread[20];
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < threads.length; i++) {
            String client = "192.0.2." + i;
            threads[i] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                guard.attempt("alice", client, () -> {
                    checks.incrementAndGet();
                    return false;
                });
            });
            threads[i].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }

        assertThat(checks).hasValue(5);
    }

    @Test
    void aFailingCredentialCheckCountsNoGuess() {
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> guard.attempt("alice", "192.0.2.1", () -> {
                throw new IllegalStateException("user directory down");
            })).isInstanceOf(IllegalStateException.class);
        }
        assertThat(guard.attempt("alice", "192.0.2.1", () -> true).succeeded()).isTrue();
    }

    @Test
    void aBusyHasherGets503WithRetryAfterAndTheAttemptIsNotCounted() {
        for (int i = 0; i < 20; i++) {
            LoginOutcome busy = guard.attempt("alice", "192.0.2.1", () -> {
                throw new PasswordHasherBusyException(2, Duration.ofSeconds(1));
            });
            assertThat(busy.refusal()).isEqualTo(LoginRefusal.BUSY);
            assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        }
        assertThat(LoginRefusal.BUSY.status()).isEqualTo(503);
        assertThat(metrics.counter("bulwark.jwt.login.busy").getCount()).isEqualTo(20);
        for (int i = 0; i < 5; i++) { // none of the 20 was counted: the user still has all five attempts
            assertThat(guard.attempt("alice", "192.0.2.1", () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        }
        assertThat(guard.attempt("alice", "192.0.2.1", () -> false).refusal()).isEqualTo(LoginRefusal.THROTTLED);
    }

    /** Records the keys a guard hands its store; shared, like a database store. */
    static final class KeyRecordingStore implements ThrottleStore {
        final java.util.List<String> keys = new java.util.ArrayList<>();
        final boolean shared;

        KeyRecordingStore(boolean shared) {
            this.shared = shared;
        }

        @Override
        public Instant acquire(String key, Instant now, int limit, Duration window, Duration lockout) {
            keys.add(key);
            return null;
        }

        @Override
        public void release(String key) {
        }

        @Override
        public void reset(String key) {
        }

        @Override
        public boolean shared() {
            return shared;
        }
    }

    static String sha256(String value) throws Exception {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void withASecretTheStoredKeysCannotBeReversedByHashingCandidatesAndReplicasDeriveTheSame() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        LoginGuardSettings settings = LoginGuardSettings.builder().throttleKeySecret(secret).build();
        KeyRecordingStore one = new KeyRecordingStore(true);
        KeyRecordingStore two = new KeyRecordingStore(true);
        LoginGuard.create(settings, one, metrics, clock).attempt("alice", "192.0.2.7", () -> false);
        LoginGuard.create(settings, two, metrics, clock).attempt("alice", "192.0.2.7", () -> false);

        // An attacker reading the store enumerates addresses and names through SHA-256: no match.
        assertThat(one.keys).doesNotContain("c:" + sha256("192.0.2.7"), "u:" + sha256("alice"))
                .hasSize(2).allSatisfy(k -> assertThat(k).doesNotContain("alice").doesNotContain("192.0.2.7"));
        assertThat(two.keys).as("replicas with one secret count under the same keys").isEqualTo(one.keys);

        KeyRecordingStore other = new KeyRecordingStore(true);
        byte[] otherSecret = "fedcba9876543210fedcba9876543210".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        LoginGuard.create(LoginGuardSettings.builder().throttleKeySecret(otherSecret).build(), other, metrics, clock)
                .attempt("alice", "192.0.2.7", () -> false);
        assertThat(other.keys).doesNotContainAnyElementsOf(one.keys);
    }

    @Test
    void withoutASecretKeysFallBackToSha256() throws Exception {
        KeyRecordingStore shared = new KeyRecordingStore(true);
        LoginGuard.create(LoginGuardSettings.builder().build(), shared, metrics, clock)
                .attempt("alice", "192.0.2.7", () -> false);
        assertThat(shared.keys).containsExactly("c:" + sha256("192.0.2.7"), "u:" + sha256("alice"));
        assertThat(new InMemoryThrottleStore().shared()).isFalse();
    }

    @Test
    void theThrottleSecretIsReadFromTheEnvironmentValidatedAndNeverPrinted() {
        String secret = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        LoginGuardSettings s = LoginGuardSettings.fromEnvironment(Map.of("JWT_LOGIN_THROTTLE_SECRET", secret));
        assertThat(s.hasThrottleKeySecret()).isTrue();
        assertThat(s.toBuilder().build().hasThrottleKeySecret()).isTrue();
        assertThat(s.toString()).contains("throttleKeySecret=set").doesNotContain(secret);
        assertThat(LoginGuardSettings.builder().build().hasThrottleKeySecret()).isFalse();
        assertThatThrownBy(() -> LoginGuardSettings.fromEnvironment(Map.of("JWT_LOGIN_THROTTLE_SECRET", "c2hvcnQ=")))
                .hasMessageContaining("JWT_LOGIN_THROTTLE_SECRET").hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> LoginGuardSettings.fromEnvironment(Map.of("JWT_LOGIN_THROTTLE_SECRET", "not base64!")))
                .hasMessageContaining("JWT_LOGIN_THROTTLE_SECRET").hasMessageContaining("base64");
    }

    @Test
    void theThrottleStoreIsPurgedAtMostOncePerInterval() {
        AtomicInteger purges = new AtomicInteger();
        InMemoryThrottleStore inner = new InMemoryThrottleStore();
        ThrottleStore counting = new ThrottleStore() {
            @Override
            public Instant acquire(String key, Instant now, int limit, Duration window, Duration lockout) {
                return inner.acquire(key, now, limit, window, lockout);
            }

            @Override
            public void release(String key) {
                inner.release(key);
            }

            @Override
            public void reset(String key) {
                inner.reset(key);
            }

            @Override
            public int purge(Instant now) {
                purges.incrementAndGet();
                throw new TokenStoreException("purge failed"); // never fails a login
            }
        };
        LoginGuard g = LoginGuard.create(LoginGuardSettings.builder().build(), counting, metrics, clock);

        for (int i = 0; i < 30; i++) {
            assertThat(g.attempt("user" + i, "192.0.2.1", () -> true).succeeded()).isTrue();
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(purges).hasValue(1);
        clock.advance(LoginGuard.PURGE_INTERVAL);
        g.attempt("bob", "192.0.2.1", () -> true);
        assertThat(purges).hasValue(2);
    }

    @Test
    void onlyRealIpv6LiteralsAreParsedSoNoNameIsEverLookedUp() {
        for (String notLiteral : new String[] {".:1", "..:", ".::", "g::1", "-:1", "localhost", "::1 x", "\uFF10::1"}) {
            assertThat(LoginGuard.isIpv6Literal(notLiteral)).as(notLiteral).isFalse();
            assertThat(LoginGuard.client(notLiteral)).as(notLiteral).isEqualTo(notLiteral.trim());
        }
        assertThat(LoginGuard.isIpv6Literal("::1")).isTrue();
        assertThat(LoginGuard.isIpv6Literal("2001:db8::1")).isTrue();
        assertThat(LoginGuard.isIpv6Literal("::ffff:192.0.2.1")).isTrue();
    }

    @Test
    void anIpv4MappedIpv6AddressIsCountedAsItsIpv4Address() {
        assertThat(LoginGuard.client("::ffff:192.0.2.1")).isEqualTo(LoginGuard.client("192.0.2.1"));
        assertThat(LoginGuard.client("[::ffff:c000:201]")).isEqualTo("192.0.2.1");
        for (int i = 0; i < 50; i++) {
            guard.attempt("user" + i, i % 2 == 0 ? "192.0.2.1" : "::ffff:192.0.2.1", () -> false);
        }
        assertThat(guard.attempt("bob", "192.0.2.1", () -> true).refusal()).isEqualTo(LoginRefusal.THROTTLED);
    }

    @Test
    void invisibleAndLookAlikeVariantsOfANameAreOneUserName() {
        String[] variants = {"alice", "ALICE", "Alice\u00A0", "\u2003alice\u2003\u2003", "al\u00ADice", "a\u200Blice",
            "\uFEFFalice", "\u3000Alice", "\uFF41\uFF4C\uFF49\uFF43\uFF45", "alice\u200D"};
        for (String v : variants) {
            assertThat(LoginGuard.userName(v)).as(v.codePoints().mapToObj(Integer::toHexString).toList().toString())
                    .isEqualTo("alice");
        }
        assertThat(LoginGuard.userName("STRASSE")).isEqualTo(LoginGuard.userName("stra\u00DFe"));
        assertThat(LoginGuard.userName("al ice")).isNotEqualTo("alice");
        for (String v : variants) { // so they share one count: 5 attempts in all, then 429
            guard.attempt(v, "192.0.2." + v.length(), () -> false);
        }
        assertThat(guard.attempt("alice", "198.51.100.1", () -> true).refusal()).isEqualTo(LoginRefusal.THROTTLED);
    }

    @Test
    void attemptsCountAgainstTheAccountTheCallerResolvedNotTheSpelling() {
        // A lenient lookup (say, a case- and accent-insensitive collation) resolves all these to account 42.
        for (String typed : new String[] {"Alicé", "alice", "ALICE", "alice\u2003", "Alice"}) {
            assertThat(guard.attemptForAccount("42", "192.0.2.1", () -> false).refusal()).as(typed)
                    .isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        }
        assertThat(guard.attemptForAccount("42", "192.0.2.1", () -> true).refusal()).isEqualTo(LoginRefusal.THROTTLED);
        // Another account's success resets only its own count.
        assertThat(guard.attemptForAccount("43", "192.0.2.1", () -> true).succeeded()).isTrue();
        assertThat(guard.attemptForAccount("42", "192.0.2.1", () -> true).refusal()).isEqualTo(LoginRefusal.THROTTLED);
    }

    @Test
    void behindATrustedProxyTheClientIsTheRightMostUntrustedForwardedHop() {
        LoginGuard proxied = LoginGuard.create(LoginGuardSettings.builder().trustProxy("10.0.0.0/8").trustProxy("::1").build(),
                new InMemoryThrottleStore(), metrics, clock);
        FakeHttp.Request forwarded = json().header("X-Forwarded-For", "198.51.100.66, 203.0.113.5, 10.1.2.3");

        assertThat(proxied.clientAddress(forwarded, "10.0.0.1")).isEqualTo("203.0.113.5");
        assertThat(proxied.clientAddress(forwarded, "[::1]")).isEqualTo("203.0.113.5");
        assertThat(proxied.clientAddress(forwarded, "192.0.2.9")).as("an untrusted peer's header is ignored")
                .isEqualTo("192.0.2.9");
        assertThat(proxied.clientAddress(json(), "10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(guard.clientAddress(forwarded, "10.0.0.1")).as("no trusted proxy: the peer").isEqualTo("10.0.0.1");

        // 50 failures from one client behind the proxy throttle that client, not everyone behind the proxy.
        for (int i = 0; i < 50; i++) {
            FakeHttp.Request r = json().header("X-Forwarded-For", "6.6.6." + i + ", 198.51.100.66");
            proxied.attempt("user" + i, proxied.clientAddress(r, "10.0.0.1"), () -> false);
        }
        FakeHttp.Request attacker = json().header("X-Forwarded-For", "198.51.100.66");
        FakeHttp.Request someoneElse = json().header("X-Forwarded-For", "203.0.113.7");
        assertThat(proxied.attempt("bob", proxied.clientAddress(attacker, "10.0.0.1"), () -> true).refusal())
                .isEqualTo(LoginRefusal.THROTTLED);
        assertThat(proxied.attempt("bob", proxied.clientAddress(someoneElse, "10.0.0.1"), () -> true).succeeded()).isTrue();
    }

    @Test
    void trustedProxiesComeFromTheEnvironmentAndABadOneIsAClearError() {
        LoginGuardSettings s = LoginGuardSettings.fromEnvironment(Map.of("JWT_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"));

        assertThat(s.trustedProxies()).containsExactly("10.0.0.0/8", "fd00::/8");
        assertThat(s.toBuilder().build().trustedProxies()).containsExactly("10.0.0.0/8", "fd00::/8");
        for (String bad : new String[] {"proxy.internal", "10.0.0.0/33", "999.1.1.1", ".:1"}) {
            assertThatThrownBy(() -> LoginGuardSettings.fromEnvironment(Map.of("JWT_TRUSTED_PROXIES", bad))).as(bad)
                    .hasMessageContaining("JWT_TRUSTED_PROXIES");
        }
    }

    @Test
    void settingsComeFromTheEnvironmentWithErrorsNamingTheVariable() {
        LoginGuardSettings s = LoginGuardSettings.fromEnvironment(Map.of("JWT_LOGIN_MAX_ATTEMPTS_PER_USER", "3",
                "JWT_LOGIN_MAX_ATTEMPTS_PER_CLIENT", "30", "JWT_LOGIN_WINDOW_SECONDS", "60", "JWT_LOGIN_LOCKOUT_SECONDS", "120",
                "JWT_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443"));

        assertThat(s.maxAttemptsPerUser()).isEqualTo(3);
        assertThat(s.maxAttemptsPerClient()).isEqualTo(30);
        assertThat(s.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.lockout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.allowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example:8443");
        assertThat(LoginGuardSettings.fromEnvironment(Map.of()).maxAttemptsPerUser())
                .isEqualTo(LoginGuardSettings.DEFAULT_MAX_ATTEMPTS_PER_USER);
        assertThatThrownBy(() -> LoginGuardSettings.fromEnvironment(Map.of("JWT_LOGIN_MAX_ATTEMPTS_PER_USER", "0")))
                .hasMessageContaining("JWT_LOGIN_MAX_ATTEMPTS_PER_USER");
        assertThatThrownBy(() -> LoginGuardSettings.fromEnvironment(Map.of("JWT_LOGIN_LOCKOUT_SECONDS", "4294967297")))
                .hasMessageContaining("JWT_LOGIN_LOCKOUT_SECONDS");
        assertThatThrownBy(() -> LoginGuardSettings.builder().window(Duration.ZERO).build())
                .hasMessageContaining("JWT_LOGIN_WINDOW_SECONDS");
    }
}
