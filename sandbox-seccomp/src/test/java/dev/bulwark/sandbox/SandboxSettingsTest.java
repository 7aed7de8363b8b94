package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0:10001", "00:10001", "000:10001", "10001:0", "10001:00", "0:0", "00:00", "root:root",
        "root", "10001", "root:10001", "10001:root", "-1:10001", "+10001:10001", " 10001:10001x", "1e3:1000",
        "2147483648:10001", "10001:99999999999", "0x2711:10001"})
    void refusesRootAndNonNumericUsersInEverySpelling(String user) {
        assertThatThrownBy(() -> SandboxSettings.fromEnvironment(Map.of("SANDBOX_USER", user)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SANDBOX_USER")
                .hasMessageContaining("numeric uid:gid");
    }

    @Test
    void keepsANumericUserInCanonicalForm() {
        assertThat(SandboxSettings.fromEnvironment(Map.of("SANDBOX_USER", "010001:0010001")).user()).isEqualTo("10001:10001");
        assertThat(SandboxSettings.defaults().user()).isEqualTo("10001:10001");
    }
}
