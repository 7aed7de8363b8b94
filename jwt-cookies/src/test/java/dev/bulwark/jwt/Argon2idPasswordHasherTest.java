package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Argon2idPasswordHasherTest {

    /** Small parameters keep the unit tests fast; the defaults are checked separately. */
    private final Argon2idPasswordHasher hasher = Argon2idPasswordHasher.builder().memoryKiB(256).iterations(1).build();

    @Test
    void defaultsAreOwaspsRecommendation() {
        Argon2idPasswordHasher defaults = Argon2idPasswordHasher.ofDefaults();

        assertThat(defaults.memoryKiB()).isEqualTo(19_456);
        assertThat(defaults.iterations()).isEqualTo(2);
        assertThat(defaults.parallelism()).isEqualTo(1);
        String stored = defaults.hash("correct horse");
        assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(defaults.verify("correct horse", stored)).isTrue();
    }

    @Test
    void hashesInThePhcFormatWithAFreshSaltEachTime() {
        String a = hasher.hash("correct horse");
        String b = hasher.hash("correct horse");

        assertThat(a).matches("\\$argon2id\\$v=19\\$m=256,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void verifiesTheRightPasswordAndRefusesAWrongOne() {
        String stored = hasher.hash("correct horse");

        assertThat(hasher.verify("correct horse", stored)).isTrue();
        assertThat(hasher.verify("correct horsf", stored)).isFalse();
        assertThat(hasher.verify("", stored)).isFalse();
        assertThat(hasher.verify("pässwörd", hasher.hash("pässwörd"))).isTrue();
    }

    @Test
    void aLoneSurrogateIsNeverEncodedAsAQuestionMark() {
        String stored = hasher.hash("pa?ss");

        assertThat(hasher.verify("pa\uD800ss", stored)).isFalse();
        assertThat(hasher.verify("pa\uDC00ss", stored)).isFalse();
        assertThatThrownBy(() -> hasher.hash("pa\uD800ss")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lone surrogate");
        assertThat(hasher.verify("p\uD83D\uDE00ss", hasher.hash("p\uD83D\uDE00ss"))).isTrue(); // a valid pair still works
    }

    @Test
    void aStoredHashDemandingFarMoreWorkIsRefusedNotComputed() {
        // The hasher is configured at m=256 KiB, t=1: 8x memory and 10x iterations are the caps.
        String stored = hasher.hash("correct horse");
        String rest = stored.substring(stored.indexOf("$", "$argon2id$v=19$".length()));
        String atCap = "$argon2id$v=19$m=2048,t=10,p=1" + rest;
        String memory = "$argon2id$v=19$m=4194304,t=1,p=1" + rest; // 4 GiB
        String time = "$argon2id$v=19$m=256,t=100,p=1" + rest;
        String lanes = "$argon2id$v=19$m=2048,t=1,p=64" + rest;

        assertThat(hasher.verify("correct horse", atCap)).isFalse(); // computed: within the caps
        for (String overCost : new String[] {time, lanes, memory}) {
            assertThatThrownBy(() -> hasher.verify("correct horse", overCost)).as(overCost)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not computed")
                    .hasMessageContaining("m <= 2048 KiB, t <= 10, p <= 16");
        }
        assertThat(hasher.needsRehash(memory)).isTrue();
    }

    @Test
    void theDummyHashForUnknownUsersIsMadeWhenTheHasherIsBuilt() {
        Argon2idPasswordHasher fresh = Argon2idPasswordHasher.builder().memoryKiB(512).iterations(1).build();

        // Before any verify: the first unknown-user check pays no extra hash and cannot race another.
        assertThat(fresh.dummyHash()).startsWith("$argon2id$v=19$m=512,t=1,p=1$");
        String before = fresh.dummyHash();
        assertThat(fresh.verify("x", null)).isFalse();
        assertThat(fresh.dummyHash()).isSameAs(before);
    }

    @Test
    void whenEveryPermitIsTakenAVerifyWaitsThenReportsBusy() throws Exception {
        Argon2idPasswordHasher capped = hasher.toBuilder().maxConcurrent(2).maxWait(java.time.Duration.ofMillis(50)).build();
        String stored = capped.hash("correct horse");
        capped.permits().acquire(2); // two hashes running

        try {
            assertThatThrownBy(() -> capped.verify("correct horse", stored)).isInstanceOf(PasswordHasherBusyException.class)
                    .hasMessageContaining("JWT_ARGON2_MAX_CONCURRENT").hasMessageContaining("50 ms");
            assertThatThrownBy(() -> capped.verify("correct horse", null)).isInstanceOf(PasswordHasherBusyException.class);
            assertThatThrownBy(() -> capped.hash("x")).isInstanceOf(PasswordHasherBusyException.class);
        } finally {
            capped.permits().release(2);
        }
        assertThat(capped.verify("correct horse", stored)).isTrue();
    }

    @Test
    void moreConcurrentVerifiesThanPermitsAreCappedNotAllComputed() throws Exception {
        Argon2idPasswordHasher capped = Argon2idPasswordHasher.builder().memoryKiB(16_384).iterations(3).maxConcurrent(1)
                .maxWait(java.time.Duration.ZERO).build();
        String stored = capped.hash("correct horse");
        int threads = 8;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger verified = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    try {
                        if (capped.verify("correct horse", stored)) {
                            verified.incrementAndGet();
                        }
                    } catch (PasswordHasherBusyException e) {
                        busy.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(verified.get() + busy.get()).isEqualTo(threads);
        assertThat(verified.get()).isGreaterThanOrEqualTo(1);
        assertThat(busy.get()).as("8 at once, 1 permit, no wait: the others are turned away").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aTamperedHashNeverMatches() {
        String stored = hasher.hash("correct horse");
        char last = stored.charAt(stored.length() - 2);
        String tampered = stored.substring(0, stored.length() - 2) + (last == 'A' ? 'B' : 'A') + stored.charAt(stored.length() - 1);

        assertThat(hasher.verify("correct horse", tampered)).isFalse();
    }

    @Test
    void anUnknownUserIsCheckedAgainstADummyAndRefused() {
        assertThat(hasher.verify("correct horse", null)).isFalse();
        assertThat(hasher.verify("", null)).isFalse();
    }

    @Test
    void verifiesHashesMadeWithOtherParametersAndAsksForARehash() {
        Argon2idPasswordHasher older = Argon2idPasswordHasher.builder().memoryKiB(128).iterations(1).build();
        String old = older.hash("correct horse");

        assertThat(hasher.verify("correct horse", old)).isTrue();
        assertThat(hasher.needsRehash(old)).isTrue();
        assertThat(hasher.needsRehash(hasher.hash("x"))).isFalse();
        assertThat(hasher.toBuilder().iterations(2).build().needsRehash(hasher.hash("x"))).isTrue();
        assertThat(hasher.toBuilder().parallelism(2).build().needsRehash(hasher.hash("x"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain text", "$argon2i$v=19$m=256,t=1,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=16$m=256,t=1,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHRzYWx0$",
        "$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
        "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"})
    void aBadHashIsAClearErrorNeverAMatch(String bad) {
        assertThatThrownBy(() -> hasher.verify("correct horse", bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Argon2id");
        assertThatThrownBy(() -> hasher.needsRehash(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBadHashErrorDoesNotRepeatTheHash() {
        String stored = hasher.hash("correct horse");
        String broken = stored.replace("t=1", "t=x");

        assertThatThrownBy(() -> hasher.verify("correct horse", broken)).hasMessageNotContaining(stored.substring(30));
    }

    @Test
    void settingsComeFromTheEnvironmentWithErrorsNamingTheVariable() {
        Argon2idPasswordHasher h = Argon2idPasswordHasher.fromEnvironment(Map.of("JWT_ARGON2_MEMORY_KIB", "65536",
                "JWT_ARGON2_ITERATIONS", "3", "JWT_ARGON2_PARALLELISM", "4"));

        assertThat(h.memoryKiB()).isEqualTo(65536);
        assertThat(h.iterations()).isEqualTo(3);
        assertThat(h.parallelism()).isEqualTo(4);
        assertThatThrownBy(() -> Argon2idPasswordHasher.fromEnvironment(Map.of("JWT_ARGON2_ITERATIONS", "0")))
                .hasMessageContaining("JWT_ARGON2_ITERATIONS");
        assertThatThrownBy(() -> Argon2idPasswordHasher.fromEnvironment(Map.of("JWT_ARGON2_MEMORY_KIB", "4294967304")))
                .hasMessageContaining("JWT_ARGON2_MEMORY_KIB");
        assertThat(Argon2idPasswordHasher.fromEnvironment(Map.of("JWT_ARGON2_MAX_CONCURRENT", "3",
                "JWT_ARGON2_MAX_WAIT_MILLIS", "250")).toBuilder().build().maxWait()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(Argon2idPasswordHasher.fromEnvironment(Map.of("JWT_ARGON2_MAX_CONCURRENT", "3")).maxConcurrent())
                .isEqualTo(3);
        assertThat(Argon2idPasswordHasher.ofDefaults().maxConcurrent()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> Argon2idPasswordHasher.fromEnvironment(Map.of("JWT_ARGON2_MAX_CONCURRENT", "0")))
                .hasMessageContaining("JWT_ARGON2_MAX_CONCURRENT");
        assertThatThrownBy(() -> Argon2idPasswordHasher.builder().maxWait(java.time.Duration.ofMinutes(2)).build())
                .hasMessageContaining("JWT_ARGON2_MAX_WAIT_MILLIS");
        assertThatThrownBy(() -> Argon2idPasswordHasher.builder().memoryKiB(16).parallelism(4).build())
                .hasMessageContaining("JWT_ARGON2_MEMORY_KIB").hasMessageContaining("32..");
    }
}
