package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.SameValues;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code toBuilder()} gives back every value, so a caller can change one and keep the rest. */
class PoolSettingsToBuilderTest {

    @Test
    void aRoundTripKeepsEveryValueAndAChangeChangesOnlyItself() {
        PoolSettings s = PoolSettings.fromEnvironment(Map.of("DB_URL", "jdbc:postgresql://db:5432/app", "DB_USER", "app",
                "DB_PASSWORD", "s3cret", "DB_POOL_NAME", "orders", "DB_POOL_SIZE", "7", "DB_MAX_OVERFLOW", "9",
                "DB_POOL_TIMEOUT_MS", "12000", "DB_POOL_INSTANCE", "web-a", "DB_POOL_OVERFLOW_IDLE_MS", "2000"));
        assertThat(SameValues.differences(s, s.toBuilder().build())).isEmpty();
        PoolSettings bigger = s.toBuilder().poolSize(8).build();
        assertThat(SameValues.differences(s, bigger)).containsExactly("applicationName: orders:16:web-a -> orders:17:web-a",
                "maximumPoolSize: 16 -> 17", "poolSize: 7 -> 8");
    }
}
