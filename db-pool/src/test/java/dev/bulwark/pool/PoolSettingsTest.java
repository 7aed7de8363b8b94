package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolSettingsTest {

    private static PoolSettings env(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return PoolSettings.fromEnvironment(map);
    }

    @Test
    void defaultsAreTwentySteadyPlusFortyOverflowOnEmbeddedH2() {
        PoolSettings s = env();

        assertThat(s.embedded()).isTrue();
        assertThat(s.effectiveUrl()).startsWith("jdbc:h2:file:").contains("bulwark-db");
        assertThat(s.poolSize()).isEqualTo(20);
        assertThat(s.maxOverflow()).isEqualTo(40);
        assertThat(s.maximumPoolSize()).isEqualTo(60);
        assertThat(s.acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.prePing()).isTrue();
        assertThat(s.leakDetection()).isZero();
    }

    @Test
    void readsEveryVariable() {
        PoolSettings s = env("DB_URL", "jdbc:postgresql://db:5432/app", "DB_USER", "app", "DB_PASSWORD", "s3cret",
                "DB_POOL_NAME", "orders", "DB_POOL_SIZE", "5", "DB_MAX_OVERFLOW", "7", "DB_POOL_TIMEOUT_MS", "1500",
                "DB_POOL_RECYCLE_MS", "60000", "DB_POOL_IDLE_TIMEOUT_MS", "20000", "DB_POOL_KEEPALIVE_MS", "0",
                "DB_POOL_VALIDATION_TIMEOUT_MS", "500", "DB_POOL_PRE_PING", "false", "DB_LEAK_DETECTION_MS", "2000",
                "DB_POOL_DEGRADED_UTILISATION", "0.5", "DB_POOL_UNHEALTHY_EXHAUSTED_MS", "3000",
                "DB_POOL_SAMPLE_INTERVAL_MS", "50");

        assertThat(s.url()).contains("jdbc:postgresql://db:5432/app");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo("s3cret");
        assertThat(s.poolName()).isEqualTo("orders");
        assertThat(s.maximumPoolSize()).isEqualTo(12);
        assertThat(s.acquireTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.maxLifetime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.keepalive()).isZero();
        assertThat(s.validationTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.prePing()).isFalse();
        assertThat(s.leakDetection()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.degradedUtilisation()).isEqualTo(0.5);
        assertThat(s.unhealthyAfterExhausted()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.sampleInterval()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void systemPropertiesOverrideTheEnvironment() {
        System.setProperty("DB_POOL_SIZE", "7");
        try {
            assertThat(PoolSettings.fromEnvironment().poolSize()).isEqualTo(7);
        } finally {
            System.clearProperty("DB_POOL_SIZE");
        }
    }

    @Test
    void refusesANonNumberNamingTheVariable() {
        assertThatThrownBy(() -> env("DB_POOL_SIZE", "twenty"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DB_POOL_SIZE must be a whole number, got 'twenty'");
    }

    @Test
    void refusesNegativeSizes() {
        assertThatThrownBy(() -> env("DB_MAX_OVERFLOW", "-1"))
                .hasMessage("maxOverflow (DB_MAX_OVERFLOW) must be ≥ 0, got -1");
        assertThatThrownBy(() -> env("DB_POOL_SIZE", "-3"))
                .hasMessage("poolSize (DB_POOL_SIZE) must be ≥ 0, got -3");
    }

    @Test
    void refusesAnEmptyPool() {
        assertThatThrownBy(() -> env("DB_POOL_SIZE", "0", "DB_MAX_OVERFLOW", "0"))
                .hasMessageContaining("DB_POOL_SIZE + DB_MAX_OVERFLOW").hasMessageContaining("between 1 and 10000");
    }

    @Test
    void refusesTimeoutsBelowHikarisMinimums() {
        assertThatThrownBy(() -> env("DB_POOL_TIMEOUT_MS", "100"))
                .hasMessage("acquireTimeout (DB_POOL_TIMEOUT_MS) must be ≥ 250 ms (HikariCP's minimum), got 100 ms");
        assertThatThrownBy(() -> env("DB_POOL_RECYCLE_MS", "1000"))
                .hasMessageContaining("DB_POOL_RECYCLE_MS").hasMessageContaining("≥ 30000 ms").hasMessageContaining("0 turns it off");
        assertThatThrownBy(() -> env("DB_LEAK_DETECTION_MS", "500"))
                .hasMessageContaining("DB_LEAK_DETECTION_MS").hasMessageContaining("≥ 2000 ms");
        assertThatThrownBy(() -> env("DB_POOL_KEEPALIVE_MS", "1000"))
                .hasMessageContaining("DB_POOL_KEEPALIVE_MS").hasMessageContaining("≥ 30000 ms");
        assertThatThrownBy(() -> env("DB_POOL_TIMEOUT_MS", "-5"))
                .hasMessageContaining("DB_POOL_TIMEOUT_MS").hasMessageContaining("must not be negative");
    }

    @Test
    void refusesContradictoryTimeouts() {
        assertThatThrownBy(() -> env("DB_POOL_TIMEOUT_MS", "1000", "DB_POOL_VALIDATION_TIMEOUT_MS", "1000"))
                .hasMessageContaining("DB_POOL_VALIDATION_TIMEOUT_MS").hasMessageContaining("below the acquire timeout");
        assertThatThrownBy(() -> env("DB_POOL_RECYCLE_MS", "60000", "DB_POOL_KEEPALIVE_MS", "60000"))
                .hasMessageContaining("DB_POOL_KEEPALIVE_MS").hasMessageContaining("below the max lifetime");
    }

    @Test
    void refusesBadBooleansUrlsAndFractions() {
        assertThatThrownBy(() -> env("DB_POOL_PRE_PING", "yes"))
                .hasMessage("DB_POOL_PRE_PING must be 'true' or 'false', got 'yes'");
        assertThatThrownBy(() -> env("DB_URL", "postgres://db/app"))
                .hasMessageContaining("DB_URL").hasMessageContaining("jdbc:");
        assertThatThrownBy(() -> env("DB_POOL_DEGRADED_UTILISATION", "1.5"))
                .hasMessageContaining("DB_POOL_DEGRADED_UTILISATION").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> env("DB_POOL_NAME", "my.pool"))
                .hasMessageContaining("DB_POOL_NAME");
    }

    @Test
    void neverPrintsThePassword() {
        PoolSettings s = env("DB_URL", "jdbc:postgresql://db/app?user=a&password=hunter2", "DB_PASSWORD", "s3cret-pw");

        assertThat(s.toString()).doesNotContain("s3cret-pw").doesNotContain("hunter2").contains("password=****");
        assertThat(s.describe().toString()).doesNotContain("s3cret-pw").doesNotContain("hunter2");
        assertThatThrownBy(() -> env("DB_URL", "postgres://db/app?password=hunter2"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void builderNamesTheSettingAndItsVariable() {
        assertThatThrownBy(() -> PoolSettings.builder().acquireTimeout(Duration.ofMillis(10)).build())
                .hasMessageStartingWith("acquireTimeout (DB_POOL_TIMEOUT_MS)");
    }

    @Test
    void readsTheOverflowFleetAndPeakVariables() {
        PoolSettings s = env("DB_POOL_NAME", "orders", "DB_POOL_SIZE", "5", "DB_MAX_OVERFLOW", "7",
                "DB_POOL_OVERFLOW_IDLE_MS", "1500", "DB_POOL_INSTANCE", "web-7f9c", "DB_POOL_FLEET_CHECK_MS", "2000",
                "DB_POOL_PEAK_WINDOW_MS", "60000");

        assertThat(s.overflowIdle()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.instance()).isEqualTo("web-7f9c");
        assertThat(s.applicationName()).isEqualTo("orders:12:web-7f9c");
        assertThat(s.fleetCheckInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.peakWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(env().overflowIdle()).isEqualTo(Duration.ofSeconds(5));
        assertThat(env().fleetCheckInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(env().peakWindow()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theInstanceDefaultsToHostnameAndPid() {
        long pid = ProcessHandle.current().pid();

        assertThat(env("HOSTNAME", "orders-api-5d8f").instance()).isEqualTo("orders-api-5d8f-" + pid);
        assertThat(env("HOSTNAME", "odd host/name").instance()).isEqualTo("odd_host_name-" + pid);
        assertThat(env("HOSTNAME", "").instance()).isEqualTo("pid-" + pid);
    }

    @Test
    void theApplicationNameFitsPostgresSixtyThreeBytesByCuttingTheInstance() {
        PoolSettings s = env("DB_POOL_NAME", "orders", "DB_POOL_INSTANCE", "i".repeat(64));

        assertThat(s.applicationName()).hasSize(63).startsWith("orders:60:iii");
    }

    @Test
    void refusesBadOverflowFleetAndInstanceValues() {
        assertThatThrownBy(() -> env("DB_POOL_OVERFLOW_IDLE_MS", "-1"))
                .hasMessageContaining("DB_POOL_OVERFLOW_IDLE_MS");
        assertThatThrownBy(() -> env("DB_POOL_OVERFLOW_IDLE_MS", "3600001"))
                .hasMessage("overflowIdle (DB_POOL_OVERFLOW_IDLE_MS) must be at most 3600000 ms, got 3600001 ms");
        assertThatThrownBy(() -> env("DB_POOL_INSTANCE", "web 1"))
                .hasMessage("instance (DB_POOL_INSTANCE) must be 1-64 letters, digits, '_', '.', ':' or '-', got 'web 1'");
        assertThatThrownBy(() -> env("DB_POOL_FLEET_CHECK_MS", "500"))
                .hasMessage("fleetCheckInterval (DB_POOL_FLEET_CHECK_MS) must be ≥ 1000 ms (0 turns it off), got 500 ms");
        assertThat(env("DB_POOL_FLEET_CHECK_MS", "0").fleetCheckInterval()).isZero();
        assertThatThrownBy(() -> env("DB_POOL_PEAK_WINDOW_MS", "10"))
                .hasMessage("peakWindow (DB_POOL_PEAK_WINDOW_MS) must be ≥ 1000 ms, got 10 ms");
    }
}
