package dev.bulwark.jwt;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
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

    /** A store; for shared stores, a second instance over the same state. */
    abstract TokenStore store();

    TokenStore secondInstance() {
        return store();
    }

    private static String id(String prefix) {
        return prefix + "-" + java.util.UUID.randomUUID();
    }

    @Test
    void rotatesTheCurrentTokenAndDetectsReuse() {
        TokenStore store = store();
        String family = id("fam");
        store.startFamily(family, "alice", "r1", NOW.plusSeconds(600));

        assertThat(store.rotate(family, "r1", "r2", NOW.plusSeconds(900))).isEqualTo(TokenStore.Rotation.ROTATED);
        assertThat(store.rotate(family, "r2", "r3", NOW.plusSeconds(900))).isEqualTo(TokenStore.Rotation.ROTATED);
        assertThat(store.rotate(family, "r1", "x", NOW.plusSeconds(900))).isEqualTo(TokenStore.Rotation.REUSED);
        assertThat(store.rotate(family, "r3", "r4", NOW.plusSeconds(900))).isEqualTo(TokenStore.Rotation.REVOKED);
        assertThat(store.isRevoked(id("jti"), family)).isTrue();
        assertThat(store.rotate(id("nope"), "r1", "r2", NOW)).isEqualTo(TokenStore.Rotation.UNKNOWN);
    }

    @Test
    void revokesTokensAndFamilies() {
        TokenStore store = store();
        String family = id("fam");
        String jti = id("jti");
        store.startFamily(family, "alice", "r1", NOW.plusSeconds(600));
        assertThat(store.isRevoked(jti, family)).isFalse();

        store.revokeToken(jti, NOW.plusSeconds(60));
        store.revokeToken(jti, NOW.plusSeconds(60));
        assertThat(store.isRevoked(jti, family)).isTrue();
        assertThat(store.isRevoked(id("other"), family)).isFalse();

        store.revokeFamily(family);
        assertThat(store.isRevoked(id("other"), family)).isTrue();
        assertThat(store.rotate(family, "r1", "r2", NOW)).isEqualTo(TokenStore.Rotation.REVOKED);
    }

    @Test
    void purgesExpiredEntriesOnly() {
        TokenStore store = store();
        String old = id("old");
        String live = id("live");
        store.startFamily(old, "alice", "r1", NOW.minusSeconds(1));
        store.startFamily(live, "alice", "r1", NOW.plusSeconds(600));
        store.revokeToken(id("jti-old"), NOW.minusSeconds(1));

        assertThat(store.purgeExpired(NOW)).isGreaterThanOrEqualTo(2);
        assertThat(store.rotate(old, "r1", "r2", NOW)).isEqualTo(TokenStore.Rotation.UNKNOWN);
        assertThat(store.rotate(live, "r1", "r2", NOW.plusSeconds(900))).isEqualTo(TokenStore.Rotation.ROTATED);
    }

    @Test
    void concurrentRefreshesOfOneTokenLetExactlyOneWin() throws Exception {
        TokenStore a = store();
        TokenStore b = secondInstance();
        String family = id("fam");
        a.startFamily(family, "alice", "r1", NOW.plusSeconds(600));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<TokenStore.Rotation>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TokenStore store = i % 2 == 0 ? a : b;
            String next = "next-" + i;
            Callable<TokenStore.Rotation> task = () -> {
                start.await();
                return store.rotate(family, "r1", next, NOW.plusSeconds(900));
            };
            results.add(pool.submit(task));
        }
        start.countDown();
        List<TokenStore.Rotation> outcomes = new ArrayList<>();
        for (Future<TokenStore.Rotation> f : results) {
            outcomes.add(f.get());
        }
        pool.shutdown();

        assertThat(outcomes).filteredOn(o -> o == TokenStore.Rotation.ROTATED).hasSize(1);
        assertThat(outcomes).doesNotContain(TokenStore.Rotation.UNKNOWN);
        assertThat(outcomes).contains(TokenStore.Rotation.REUSED);
        assertThat(a.isRevoked(id("jti"), family)).isTrue();
    }

    @Test
    void twoServiceInstancesShareSessions() {
        MutableClock clock = new MutableClock(NOW);
        JwtSettings settings = JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET))
                .allowOrigin(JwtCookieAuthTest.ORIGIN).build();
        JwtCookieAuth instanceA = JwtCookieAuth.create(settings, store(), new MetricRegistry(), clock);
        JwtCookieAuth instanceB = JwtCookieAuth.create(settings, secondInstance(), new MetricRegistry(), clock);
        FakeHttp.Response session = new FakeHttp.Response();
        instanceA.login("alice", List.of(), session);

        assertThat(instanceB.refresh(JwtCookieAuthTest.unsafe("POST", session), new FakeHttp.Response()).authenticated()).isTrue();
        assertThat(instanceA.refresh(JwtCookieAuthTest.unsafe("POST", session), new FakeHttp.Response()).refusal())
                .isEqualTo(Refusal.REFRESH_REUSED);
        assertThat(instanceB.authenticate(JwtCookieAuthTest.get(session)).refusal()).isEqualTo(Refusal.REVOKED);
    }
}
