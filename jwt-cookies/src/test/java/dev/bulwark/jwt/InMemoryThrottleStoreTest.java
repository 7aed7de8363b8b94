package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The throttle contract on the in-memory store (one instance: both "guards" share it). */
class InMemoryThrottleStoreTest extends ThrottleStoreContract {

    private final InMemoryThrottleStore store = new InMemoryThrottleStore();

    @Override
    ThrottleStore store() {
        return store;
    }

    @Override
    ThrottleStore otherStore() {
        return store;
    }

    @Test
    void theBoundIsValidated() {
        assertThatThrownBy(() -> new InMemoryThrottleStore(0)).hasMessageContaining("maxKeys");
    }

    @Test
    void aFloodOfFreshKeysNeverErasesALockout() {
        InMemoryThrottleStore small = new InMemoryThrottleStore(100);
        Instant now = clock.instant();
        Duration w = Duration.ofMinutes(15);
        for (int i = 0; i < 6; i++) {
            small.acquire("u:victim", now, 5, w, w);
        }
        Instant until = small.acquire("u:victim", now, 5, w, w);
        assertThat(until).isEqualTo(now.plus(w));

        for (int k = 0; k < 20_000; k++) { // 200x the bound, one attempt each (e.g. one per IPv6 /64)
            assertThat(small.acquire("c:flood" + k, now, 50, w, w)).isNull();
        }

        assertThat(small.acquire("u:victim", now.plusSeconds(60), 5, w, w)).isEqualTo(until);
        assertThat(small.acquire("u:victim", until, 5, w, w)).as("the lockout ends on time").isNull();
    }

    @Test
    void whenTheBoundOfBlockedKeysIsReachedALoginFailsClosedUntilLockoutsEnd() {
        InMemoryThrottleStore tiny = new InMemoryThrottleStore(2);
        Instant now = clock.instant();
        Duration w = Duration.ofMinutes(15);
        for (String key : new String[] {"u:a", "u:b"}) {
            tiny.acquire(key, now, 1, w, w);
            assertThat(tiny.acquire(key, now, 1, w, w)).isNotNull();
        }
        tiny.acquire("u:c", now, 1, w, w);

        assertThatThrownBy(() -> tiny.acquire("u:c", now, 1, w, w)).isInstanceOf(TokenStoreException.class)
                .hasMessageContaining("maxKeys 2").hasMessageContaining("fail closed");
        assertThatThrownBy(() -> tiny.acquire("u:c", now, 1, w, w)).as("still no way past the limit")
                .isInstanceOf(TokenStoreException.class);
        assertThat(tiny.acquire("u:a", now, 1, w, w)).as("blocked keys stay blocked").isNotNull();
        Instant later = now.plus(w);
        assertThat(tiny.acquire("u:c", later, 1, w, w)).isNull();
        assertThat(tiny.acquire("u:c", later, 1, w, w)).as("once lockouts end there is room again").isNotNull();
    }
}
