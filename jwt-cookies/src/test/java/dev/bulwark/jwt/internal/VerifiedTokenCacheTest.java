package dev.bulwark.jwt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void aFullCacheEvictsSomeEntriesInsteadOfEmptyingItself() {
        VerifiedTokenCache<String> cache = new VerifiedTokenCache<>(100);
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v" + i, NOW.plusSeconds(60));
        }

        cache.put("one-more", "v", NOW.plusSeconds(60));

        assertThat(cache.size()).isEqualTo(100);
        int kept = 0;
        for (int i = 0; i < 100; i++) {
            kept += cache.get("k" + i, NOW) != null ? 1 : 0;
        }
        assertThat(kept).isGreaterThanOrEqualTo(99);
    }

    @Test
    void staysWithinItsBoundUnderManyDistinctTokens() {
        VerifiedTokenCache<String> cache = new VerifiedTokenCache<>(1_000);
        for (int i = 0; i < 50_000; i++) {
            cache.put("k" + i, "v", NOW.plusSeconds(60));
        }

        assertThat(cache.size()).isLessThanOrEqualTo(1_000).isGreaterThan(900);
    }

    @Test
    void neverReturnsAnEntryAtOrPastItsExpiry() {
        VerifiedTokenCache<String> cache = new VerifiedTokenCache<>(10);
        cache.put("k", "v", NOW.plusSeconds(60));

        assertThat(cache.get("k", NOW.plusSeconds(59))).isEqualTo("v");
        assertThat(cache.get("k", NOW.plusSeconds(60))).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aZeroCapacityCachesNothing() {
        VerifiedTokenCache<String> cache = new VerifiedTokenCache<>(0);
        cache.put("k", "v", NOW.plusSeconds(60));

        assertThat(cache.get("k", NOW)).isNull();
        assertThat(cache.size()).isZero();
    }
}
