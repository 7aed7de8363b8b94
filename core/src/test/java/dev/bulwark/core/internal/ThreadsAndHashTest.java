package dev.bulwark.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class ThreadsAndHashTest {

    @Test
    void threadsAreDaemonsNamedAfterTheirWork() {
        ThreadFactory f = Threads.daemon("bulwark-test");
        Thread first = f.newThread(() -> { });
        Thread second = f.newThread(() -> { });
        assertThat(first.isDaemon()).isTrue();
        assertThat(first.getName()).isEqualTo("bulwark-test");
        assertThat(second.getName()).isEqualTo("bulwark-test-2");
        assertThat(first.getUncaughtExceptionHandler()).isNotSameAs(first.getThreadGroup());
    }

    @Test
    void sha256MatchesTheKnownVector() {
        assertThat(Sha256.hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
