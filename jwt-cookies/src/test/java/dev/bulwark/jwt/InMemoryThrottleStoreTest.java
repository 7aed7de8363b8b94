package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
