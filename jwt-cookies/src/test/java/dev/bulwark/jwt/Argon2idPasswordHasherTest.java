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
        assertThatThrownBy(() -> Argon2idPasswordHasher.builder().memoryKiB(16).parallelism(4).build())
                .hasMessageContaining("JWT_ARGON2_MEMORY_KIB").hasMessageContaining("32..");
    }
}
