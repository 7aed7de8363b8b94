package dev.bulwark.jwt;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link TokenStore} must do; run against each implementation. */
abstract class TokenStoreContract {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Duration GRACE = Duration.ofSeconds(5);

    /** A store; for shared stores, a second instance over the same state. */
    abstract TokenStore store();

    TokenStore secondInstance() {
        return store();
    }

    private static String id(String prefix) {
        return prefix + "-" + java.util.UUID.randomUUID();
    }

    /** Rotates at {@link #NOW} with the default grace; returns the outcome. */
    private static TokenStore.Rotation rotate(TokenStore store, String family, String presented, String next) {
        return store.rotate(family, presented, next, NOW, GRACE, NOW.plusSeconds(900)).outcome();
    }

    static JwtSettings settings() {
        return JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET)).allowOrigin(JwtCookieAuthTest.ORIGIN)
                .build();
    }

    @Test
    void rotatesTheCurrentTokenAndDetectsReuse() {
        TokenStore store = store();
        String family = id("fam");
        store.startFamily(family, "alice", "r1", NOW, NOW.plusSeconds(600), null);

        assertThat(rotate(store, family, "r1", "r2")).isEqualTo(TokenStore.Rotation.ROTATED);
        assertThat(rotate(store, family, "r2", "r3")).isEqualTo(TokenStore.Rotation.ROTATED);
        assertThat(rotate(store, family, "r1", "x")).isEqualTo(TokenStore.Rotation.REUSED);
        assertThat(rotate(store, family, "r3", "r4")).isEqualTo(TokenStore.Rotation.REVOKED);
        assertThat(store.isRevoked(id("jti"), family)).isTrue();
        assertThat(rotate(store, id("nope"), "r1", "r2")).isEqualTo(TokenStore.Rotation.UNKNOWN);
    }

    @Test
    void revokesTokensAndFamilies() {
        TokenStore store = store();
        String family = id("fam");
        String jti = id("jti");
        store.startFamily(family, "alice", "r1", NOW, NOW.plusSeconds(600), null);
        assertThat(store.isRevoked(jti, family)).isFalse();

        store.revokeToken(jti, NOW.plusSeconds(60));
        store.revokeToken(jti, NOW.plusSeconds(60));
        assertThat(store.isRevoked(jti, family)).isTrue();
        assertThat(store.isRevoked(id("other"), family)).isFalse();

        store.revokeFamily(family);
        assertThat(store.isRevoked(id("other"), family)).isTrue();
        assertThat(rotate(store, family, "r1", "r2")).isEqualTo(TokenStore.Rotation.REVOKED);
    }

    @Test
    void purgesExpiredEntriesOnly() {
        TokenStore store = store();
        String old = id("old");
        String live = id("live");
        store.startFamily(old, "alice", "r1", NOW, NOW.minusSeconds(1), null);
        store.startFamily(live, "alice", "r1", NOW, NOW.plusSeconds(600), null);
        store.revokeToken(id("jti-old"), NOW.minusSeconds(1));

        assertThat(store.purgeExpired(NOW)).isGreaterThanOrEqualTo(2);
        assertThat(rotate(store, old, "r1", "r2")).isEqualTo(TokenStore.Rotation.UNKNOWN);
        assertThat(rotate(store, live, "r1", "r2")).isEqualTo(TokenStore.Rotation.ROTATED);
    }

    /** Eight threads on two store instances present the same refresh token at once. */
    private List<TokenStore.RotationResult> raceEightRotations(String family, Duration grace) throws Exception {
        TokenStore a = store();
        TokenStore b = secondInstance();
        a.startFamily(family, "alice", "r1", NOW, NOW.plusSeconds(600), null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TokenStore.RotationResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TokenStore store = i % 2 == 0 ? a : b;
                String next = "next-" + i;
                Callable<TokenStore.RotationResult> task = () -> {
                    start.await();
                    return store.rotate(family, "r1", next, NOW, grace, NOW.plusSeconds(900));
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            List<TokenStore.RotationResult> outcomes = new ArrayList<>();
            for (Future<TokenStore.RotationResult> f : results) {
                outcomes.add(f.get());
            }
            return outcomes;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void withoutGraceConcurrentRefreshesOfOneTokenLetExactlyOneWinAndRevokeTheFamily() throws Exception {
        String family = id("fam");

        List<TokenStore.RotationResult> outcomes = raceEightRotations(family, Duration.ZERO);

        assertThat(outcomes).filteredOn(o -> o.outcome() == TokenStore.Rotation.ROTATED).hasSize(1);
        assertThat(outcomes).extracting(TokenStore.RotationResult::outcome)
                .doesNotContain(TokenStore.Rotation.UNKNOWN, TokenStore.Rotation.WITHIN_GRACE)
                .contains(TokenStore.Rotation.REUSED);
        assertThat(store().isRevoked(id("jti"), family)).isTrue();
    }

    @Test
    void withinTheGraceConcurrentRefreshesAllGetTheOneSuccessor() throws Exception {
        String family = id("fam");

        List<TokenStore.RotationResult> outcomes = raceEightRotations(family, GRACE);

        List<TokenStore.RotationResult> winners = outcomes.stream()
                .filter(o -> o.outcome() == TokenStore.Rotation.ROTATED).toList();
        assertThat(winners).hasSize(1);
        String successor = winners.get(0).currentTokenId();
        assertThat(outcomes).filteredOn(o -> o.outcome() == TokenStore.Rotation.WITHIN_GRACE).hasSize(7)
                .allSatisfy(o -> assertThat(o.currentTokenId()).isEqualTo(successor));
        assertThat(secondInstance().isRevoked(id("jti"), family)).isFalse();
        assertThat(secondInstance().rotate(family, successor, "r3", NOW.plusSeconds(1), GRACE, NOW.plusSeconds(900))
                .outcome()).isEqualTo(TokenStore.Rotation.ROTATED);
    }

    @Test
    void thePreviousTokenIsHonouredUntilTheGraceEndsThenRevokesTheFamily() {
        TokenStore store = store();
        String family = id("fam");
        store.startFamily(family, "alice", "r1", NOW, NOW.plusSeconds(600), null);
        assertThat(rotate(store, family, "r1", "r2")).isEqualTo(TokenStore.Rotation.ROTATED);

        TokenStore.RotationResult inGrace = secondInstance().rotate(family, "r1", "x", NOW.plus(GRACE), GRACE,
                NOW.plusSeconds(900));
        assertThat(inGrace.outcome()).isEqualTo(TokenStore.Rotation.WITHIN_GRACE);
        assertThat(inGrace.currentTokenId()).isEqualTo("r2");
        assertThat(store.isRevoked(id("jti"), family)).isFalse();

        TokenStore.RotationResult late = secondInstance().rotate(family, "r1", "y", NOW.plus(GRACE).plusMillis(1), GRACE,
                NOW.plusSeconds(900));
        assertThat(late.outcome()).isEqualTo(TokenStore.Rotation.REUSED);
        assertThat(store.isRevoked(id("jti"), family)).isTrue();
        assertThat(rotate(store, family, "r2", "r3")).isEqualTo(TokenStore.Rotation.REVOKED);
    }

    @Test
    void onlyTheImmediatelyPreviousTokenHasAGrace() {
        TokenStore store = store();
        String family = id("fam");
        store.startFamily(family, "alice", "r1", NOW, NOW.plusSeconds(600), null);
        rotate(store, family, "r1", "r2");
        rotate(store, family, "r2", "r3");

        assertThat(rotate(secondInstance(), family, "r1", "x")).isEqualTo(TokenStore.Rotation.REUSED);
        assertThat(store.isRevoked(id("jti"), family)).isTrue();
    }

    @Test
    void aZeroGraceRevokesOnTheFirstReplay() {
        TokenStore store = store();
        String family = id("fam");
        store.startFamily(family, "alice", "r1", NOW, NOW.plusSeconds(600), null);
        rotate(store, family, "r1", "r2");

        assertThat(store.rotate(family, "r1", "x", NOW, Duration.ZERO, NOW.plusSeconds(900)).outcome())
                .isEqualTo(TokenStore.Rotation.REUSED);
    }

    @Test
    void aLoggedOutSessionIsRefusedOnEveryInstanceEvenWhenCached() {
        MutableClock clock = new MutableClock(NOW);
        JwtCookieAuth instanceA = JwtCookieAuth.create(settings(), store(), new MetricRegistry(), clock);
        MetricRegistry metricsB = new MetricRegistry();
        JwtCookieAuth instanceB = JwtCookieAuth.create(settings(), secondInstance(), metricsB, clock);
        FakeHttp.Response session = new FakeHttp.Response();
        instanceA.login("alice", List.of("trader"), session);
        assertThat(instanceB.authenticate(JwtCookieAuthTest.get(session)).authenticated()).isTrue();
        assertThat(instanceB.authenticate(JwtCookieAuthTest.get(session)).authenticated()).isTrue();
        assertThat(metricsB.counter("bulwark.jwt.cache.hits").getCount()).isEqualTo(1);

        assertThat(instanceA.logout(JwtCookieAuthTest.unsafe("POST", session), new FakeHttp.Response())).isEmpty();

        assertThat(instanceB.authenticate(JwtCookieAuthTest.get(session)).refusal()).isEqualTo(Refusal.REVOKED);
        assertThat(instanceA.authenticate(JwtCookieAuthTest.get(session)).refusal()).isEqualTo(Refusal.REVOKED);
        assertThat(instanceB.refresh(JwtCookieAuthTest.unsafe("POST", session), new FakeHttp.Response()).refusal())
                .isEqualTo(Refusal.REVOKED);
    }

    @Test
    void twoTabsRefreshingAtOnceOnTwoInstancesBothStayLoggedIn() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        JwtCookieAuth instanceA = JwtCookieAuth.create(settings(), store(), new MetricRegistry(), clock);
        JwtCookieAuth instanceB = JwtCookieAuth.create(settings(), secondInstance(), new MetricRegistry(), clock);
        FakeHttp.Response session = new FakeHttp.Response();
        instanceA.login("alice", List.of("trader"), session);
        FakeHttp.Response tabA = new FakeHttp.Response();
        FakeHttp.Response tabB = new FakeHttp.Response();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        Future<AuthResult> a = pool.submit(() -> {
            start.await();
            return instanceA.refresh(JwtCookieAuthTest.unsafe("POST", session), tabA);
        });
        Future<AuthResult> b = pool.submit(() -> {
            start.await();
            return instanceB.refresh(JwtCookieAuthTest.unsafe("POST", session), tabB);
        });
        start.countDown();
        AuthResult resultA = a.get();
        AuthResult resultB = b.get();
        pool.shutdown();

        assertThat(resultA.authenticated()).as("tab A: %s", resultA.refusal()).isTrue();
        assertThat(resultB.authenticated()).as("tab B: %s", resultB.refusal()).isTrue();
        assertThat(resultA.authentication().familyId()).isEqualTo(resultB.authentication().familyId());
        for (FakeHttp.Response tab : List.of(tabA, tabB)) {
            assertThat(instanceA.authenticate(JwtCookieAuthTest.get(tab)).authenticated()).isTrue();
        }
        clock.advance(Duration.ofMinutes(1));
        FakeHttp.Response later = new FakeHttp.Response();
        assertThat(instanceB.refresh(JwtCookieAuthTest.unsafe("POST", tabB), later).authenticated()).isTrue();
        assertThat(instanceA.authenticate(JwtCookieAuthTest.get(later)).authenticated()).isTrue();
    }

    @Test
    void aReplayAfterTheGraceRevokesTheFamilyOnEveryInstance() {
        MutableClock clock = new MutableClock(NOW);
        JwtCookieAuth instanceA = JwtCookieAuth.create(settings(), store(), new MetricRegistry(), clock);
        JwtCookieAuth instanceB = JwtCookieAuth.create(settings(), secondInstance(), new MetricRegistry(), clock);
        FakeHttp.Response session = new FakeHttp.Response();
        instanceA.login("alice", List.of(), session);
        FakeHttp.Response rotated = new FakeHttp.Response();
        assertThat(instanceA.refresh(JwtCookieAuthTest.unsafe("POST", session), rotated).authenticated()).isTrue();

        clock.advance(GRACE.plusSeconds(1));
        AuthResult replay = instanceB.refresh(JwtCookieAuthTest.unsafe("POST", session), new FakeHttp.Response());

        assertThat(replay.refusal()).isEqualTo(Refusal.REFRESH_REUSED);
        assertThat(instanceA.authenticate(JwtCookieAuthTest.get(rotated)).refusal()).isEqualTo(Refusal.REVOKED);
        assertThat(instanceA.refresh(JwtCookieAuthTest.unsafe("POST", rotated), new FakeHttp.Response()).refusal())
                .isEqualTo(Refusal.REVOKED);
    }

    @Test
    void twoServiceInstancesShareSessions() {
        MutableClock clock = new MutableClock(NOW);
        JwtSettings settings = settings();
        JwtCookieAuth instanceA = JwtCookieAuth.create(settings, store(), new MetricRegistry(), clock);
        JwtCookieAuth instanceB = JwtCookieAuth.create(settings, secondInstance(), new MetricRegistry(), clock);
        FakeHttp.Response session = new FakeHttp.Response();
        instanceA.login("alice", List.of(), session);

        assertThat(instanceB.refresh(JwtCookieAuthTest.unsafe("POST", session), new FakeHttp.Response()).authenticated()).isTrue();
        clock.advance(GRACE.plusSeconds(1));
        assertThat(instanceA.refresh(JwtCookieAuthTest.unsafe("POST", session), new FakeHttp.Response()).refusal())
                .isEqualTo(Refusal.REFRESH_REUSED);
        assertThat(instanceB.authenticate(JwtCookieAuthTest.get(session)).refusal()).isEqualTo(Refusal.REVOKED);
    }
    @Test
    void listsASubjectsLiveSessionsOldestFirstWithoutTokenMaterial() {
        TokenStore store = store();
        String user = id("user");
        String first = id("fam");
        String second = id("fam");
        String revoked = id("fam");
        String expired = id("fam");
        store.startFamily(second, user, "r2", NOW.minusSeconds(3600), NOW.plusSeconds(600), null);
        store.startFamily(first, user, "r1", NOW.minusSeconds(7200), NOW.plusSeconds(600), "Firefox/140.0");
        store.startFamily(revoked, user, "r3", NOW.minusSeconds(60), NOW.plusSeconds(600), null);
        store.revokeFamily(revoked);
        store.startFamily(expired, user, "r4", NOW.minusSeconds(60), NOW.minusSeconds(1), null);
        store.startFamily(id("fam"), id("someone-else"), "r5", NOW, NOW.plusSeconds(600), null);
        store.rotate(second, "r2", "r2b", NOW.minusSeconds(10), GRACE, NOW.plusSeconds(900));

        List<TokenStore.StoredSession> sessions = secondInstance().sessions(user, NOW);

        assertThat(sessions).extracting(TokenStore.StoredSession::familyId).containsExactly(first, second);
        assertThat(sessions.get(0)).isEqualTo(new TokenStore.StoredSession(first, user, NOW.minusSeconds(7200),
                NOW.minusSeconds(7200), NOW.plusSeconds(600), "Firefox/140.0"));
        assertThat(sessions.get(1)).isEqualTo(new TokenStore.StoredSession(second, user, NOW.minusSeconds(3600),
                NOW.minusSeconds(10), NOW.plusSeconds(900), null));
    }

    @Test
    void endsASessionOnlyForItsOwner() {
        TokenStore store = store();
        String user = id("user");
        String family = id("fam");
        store.startFamily(family, user, "r1", NOW, NOW.plusSeconds(600), null);

        assertThat(secondInstance().endSession(id("intruder"), family)).isFalse();
        assertThat(store.isRevoked(id("jti"), family)).isFalse();
        assertThat(secondInstance().endSession(user, family)).isTrue();
        assertThat(store.isRevoked(id("jti"), family)).isTrue();
        assertThat(secondInstance().endSession(user, family)).isFalse();
        assertThat(rotate(store, family, "r1", "r2")).isEqualTo(TokenStore.Rotation.REVOKED);
    }

    @Test
    void endsEverySessionOfOneSubject() {
        TokenStore store = store();
        String user = id("user");
        String other = id("user");
        String a = id("fam");
        String b = id("fam");
        String theirs = id("fam");
        store.startFamily(a, user, "r1", NOW, NOW.plusSeconds(600), null);
        store.startFamily(b, user, "r1", NOW, NOW.plusSeconds(600), null);
        store.startFamily(theirs, other, "r1", NOW, NOW.plusSeconds(600), null);

        assertThat(secondInstance().endAllSessions(user)).isEqualTo(2);

        assertThat(store.isRevoked(id("jti"), a)).isTrue();
        assertThat(store.isRevoked(id("jti"), b)).isTrue();
        assertThat(store.isRevoked(id("jti"), theirs)).isFalse();
        assertThat(store.sessions(user, NOW)).isEmpty();
        assertThat(store.sessions(other, NOW)).hasSize(1);
    }

    @Test
    void endingASessionRefusesItsTokensAtOnceOnEveryInstance() {
        MutableClock clock = new MutableClock(NOW);
        JwtCookieAuth instanceA = JwtCookieAuth.create(settings(), store(), new MetricRegistry(), clock);
        JwtCookieAuth instanceB = JwtCookieAuth.create(settings(), secondInstance(), new MetricRegistry(), clock);
        String user = id("user");
        FakeHttp.Response laptop = new FakeHttp.Response();
        FakeHttp.Response phone = new FakeHttp.Response();
        instanceA.login(user, List.of(), new FakeHttp.Request("POST").header("User-Agent", "Laptop\u0007Browser"), laptop);
        clock.advance(Duration.ofMinutes(1));
        instanceA.login(user, List.of(), new FakeHttp.Request("POST").header("User-Agent", "Phone"), phone);
        Authentication onLaptop = instanceB.authenticate(JwtCookieAuthTest.get(laptop)).authentication();
        assertThat(instanceA.authenticate(JwtCookieAuthTest.get(phone)).authenticated()).isTrue(); // now cached on A

        List<ActiveSession> sessions = instanceB.sessions(onLaptop);
        assertThat(sessions).extracting(ActiveSession::clientHint).containsExactly("LaptopBrowser", "Phone");
        assertThat(sessions).extracting(ActiveSession::current).containsExactly(true, false);
        assertThat(sessions.get(1).createdAt()).isEqualTo(NOW.plusSeconds(60));

        assertThat(instanceB.endSession(onLaptop, sessions.get(1).id())).isTrue();

        assertThat(instanceA.authenticate(JwtCookieAuthTest.get(phone)).refusal()).isEqualTo(Refusal.REVOKED);
        assertThat(instanceA.refresh(JwtCookieAuthTest.unsafe("POST", phone), new FakeHttp.Response()).refusal())
                .isEqualTo(Refusal.REVOKED);
        assertThat(instanceA.authenticate(JwtCookieAuthTest.get(laptop)).authenticated()).isTrue();

        assertThat(instanceA.endAllSessions(user)).isEqualTo(1);
        assertThat(instanceB.authenticate(JwtCookieAuthTest.get(laptop)).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void aLoginOverTheSessionCapEndsTheOldestSessions() {
        MutableClock clock = new MutableClock(NOW);
        JwtSettings capped = JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET))
                .allowOrigin(JwtCookieAuthTest.ORIGIN).maxSessionsPerUser(2).build();
        JwtCookieAuth auth = JwtCookieAuth.create(capped, store(), new MetricRegistry(), clock);
        String user = id("user");
        List<FakeHttp.Response> devices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FakeHttp.Response device = new FakeHttp.Response();
            auth.login(user, List.of(), device);
            devices.add(device);
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(auth.authenticate(JwtCookieAuthTest.get(devices.get(0))).refusal()).isEqualTo(Refusal.REVOKED);
        assertThat(auth.authenticate(JwtCookieAuthTest.get(devices.get(1))).authenticated()).isTrue();
        Authentication newest = auth.authenticate(JwtCookieAuthTest.get(devices.get(2))).authentication();
        assertThat(auth.sessions(newest)).hasSize(2);
    }

    @Test
    void anEndedSessionStaysRefusedAfterAPurgeWhileItsLastAccessTokenIsStillWithinTheClockSkew() {
        MutableClock clock = new MutableClock(NOW);
        JwtSettings oneHour = JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET))
                .allowOrigin(JwtCookieAuthTest.ORIGIN).sessionMaxAge(Duration.ofHours(1)).build();
        JwtCookieAuth auth = JwtCookieAuth.create(oneHour, store(), new MetricRegistry(), clock);
        FakeHttp.Response session = new FakeHttp.Response();
        auth.login(id("user"), List.of(), session); // the first login purges; the next purge is due an hour later
        clock.advance(Duration.ofMinutes(50));
        FakeHttp.Response last = new FakeHttp.Response();
        AuthResult refreshed = auth.refresh(JwtCookieAuthTest.unsafe("POST", session), last);
        // Near the session's end the access token, the refresh token and the store entries all end together.
        assertThat(refreshed.authentication().expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(auth.logout(JwtCookieAuthTest.unsafe("POST", last), new FakeHttp.Response())).isEmpty();

        clock.advance(Duration.ofMinutes(10).plusSeconds(10)); // 10 s past exp: still inside the 30 s clock skew
        auth.login(id("other"), List.of(), new FakeHttp.Response()); // the hourly purge runs now

        assertThat(auth.authenticate(JwtCookieAuthTest.get(last)).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void aSessionIdlePastTheLimitIsNeitherListedNorCountedAgainstTheCap() {
        MutableClock clock = new MutableClock(NOW);
        JwtSettings capped = JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET))
                .allowOrigin(JwtCookieAuthTest.ORIGIN).maxSessionsPerUser(2).build(); // idle limit 1 day, refresh 7 days
        JwtCookieAuth auth = JwtCookieAuth.create(capped, store(), new MetricRegistry(), clock);
        String user = id("user");
        FakeHttp.Response laptop = new FakeHttp.Response();
        auth.login(user, List.of(), laptop);
        clock.advance(Duration.ofMinutes(1));
        FakeHttp.Response abandoned = new FakeHttp.Response();
        auth.login(user, List.of(), abandoned);
        for (int i = 0; i < 3; i++) { // the laptop stays in use, the other device is never used again
            clock.advance(Duration.ofHours(12));
            FakeHttp.Response next = new FakeHttp.Response();
            assertThat(auth.refresh(JwtCookieAuthTest.unsafe("POST", laptop), next).authenticated()).isTrue();
            laptop = next;
        }
        assertThat(auth.refresh(JwtCookieAuthTest.unsafe("POST", abandoned), new FakeHttp.Response()).refusal())
                .isEqualTo(Refusal.SESSION_IDLE);
        Authentication onLaptop = auth.authenticate(JwtCookieAuthTest.get(laptop)).authentication();

        List<ActiveSession> listed = auth.sessions(onLaptop);
        assertThat(listed).extracting(ActiveSession::current).containsExactly(true);
        // Listed as ending when its idle limit runs out, a day after its last refresh (not in 7 days).
        assertThat(listed.get(0).expiresAt()).isEqualTo(NOW.plusSeconds(60).plus(Duration.ofHours(36)).plus(Duration.ofDays(1)));

        auth.login(user, List.of(), new FakeHttp.Response()); // a second live session: under the cap of 2
        assertThat(auth.authenticate(JwtCookieAuthTest.get(laptop)).authenticated())
                .as("the session in use is not ended for an idle one").isTrue();
    }
}
