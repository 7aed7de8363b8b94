package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    @Test
    void defaultsAreTheNamedConstants() {
        SandboxSettings s = SandboxSettings.defaults();
        assertThat(s.image()).isEqualTo(SandboxSettings.DEFAULT_IMAGE);
        assertThat(s.dockerHost()).isEqualTo(SandboxSettings.DEFAULT_DOCKER_HOST);
        assertThat(s.memoryBytes()).isEqualTo(SandboxSettings.DEFAULT_MEMORY_BYTES).isEqualTo(256L * 1024 * 1024);
        assertThat(s.timeout()).isEqualTo(SandboxSettings.DEFAULT_TIMEOUT);
        assertThat(s.outputLimitBytes()).isEqualTo(SandboxSettings.DEFAULT_OUTPUT_LIMIT_BYTES);
        assertThat(s.queue()).isEqualTo(SandboxSettings.DEFAULT_QUEUE);
        assertThat(s.warmPool()).isZero();
        assertThat(s.runtime()).isEmpty();
        assertThat(s.tlsCertPath()).isEmpty();
        assertThat(s.profile().toJson()).isEqualTo(SeccompProfile.strict().toJson());
    }

    @Test
    void environmentVariablesSetEverySetting() {
        SandboxSettings s = SandboxSettings.fromEnvironment(Map.ofEntries(Map.entry("SANDBOX_IMAGE", "img:1"),
                Map.entry("SANDBOX_DOCKER_HOST", "tcp://engine:2376"), Map.entry("SANDBOX_PROFILE", "permissive"),
                Map.entry("SANDBOX_MEMORY_MB", "128"), Map.entry("SANDBOX_CPUS", "0.5"), Map.entry("SANDBOX_PIDS", "32"),
                Map.entry("SANDBOX_TIMEOUT_SECONDS", "5"), Map.entry("SANDBOX_TMPFS_MB", "8"),
                Map.entry("SANDBOX_OUTPUT_LIMIT_BYTES", "4096"), Map.entry("SANDBOX_FILE_SIZE_MB", "2"),
                Map.entry("SANDBOX_NOFILE", "64"), Map.entry("SANDBOX_USER", "20000:20000"),
                Map.entry("SANDBOX_RUNTIME", "runsc"), Map.entry("SANDBOX_MAX_CONCURRENT", "3"),
                Map.entry("SANDBOX_QUEUE", "0"), Map.entry("SANDBOX_WARM_POOL", "2")));
        assertThat(s.image()).isEqualTo("img:1");
        assertThat(s.dockerHost()).isEqualTo("tcp://engine:2376");
        assertThat(s.profile().toJson()).isEqualTo(SeccompProfile.permissive().toJson());
        assertThat(s.memoryBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(s.cpus()).isEqualTo(0.5);
        assertThat(s.pids()).isEqualTo(32);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.tmpfsBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(s.outputLimitBytes()).isEqualTo(4096);
        assertThat(s.fileSizeBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(s.openFiles()).isEqualTo(64);
        assertThat(s.user()).isEqualTo("20000:20000");
        assertThat(s.runtime()).contains("runsc");
        assertThat(s.maxConcurrent()).isEqualTo(3);
        assertThat(s.queue()).isZero();
        assertThat(s.warmPool()).isEqualTo(2);
    }

    @Test
    void dockerHostFallsBackToDockersOwnVariable() {
        assertThat(SandboxSettings.fromEnvironment(Map.of("DOCKER_HOST", "unix:///run/other.sock")).dockerHost())
                .isEqualTo("unix:///run/other.sock");
        assertThat(SandboxSettings.fromEnvironment(Map.of("DOCKER_HOST", "unix:///run/other.sock",
                "SANDBOX_DOCKER_HOST", "unix:///run/mine.sock")).dockerHost()).isEqualTo("unix:///run/mine.sock");
    }

    @ParameterizedTest
    @CsvSource({
        "SANDBOX_MEMORY_MB, 8, SANDBOX_MEMORY_MB must be from 16 to 16384, got 8",
        "SANDBOX_MEMORY_MB, 99999999999999999, SANDBOX_MEMORY_MB",
        "SANDBOX_CPUS, 65, cpus (SANDBOX_CPUS) must be from 0.1 to 64, got 65.0",
        "SANDBOX_PIDS, 4, pids (SANDBOX_PIDS) must be from 8 to 4096, got 4",
        "SANDBOX_PIDS, 4294967304, SANDBOX_PIDS",
        "SANDBOX_TIMEOUT_SECONDS, 0, timeout (SANDBOX_TIMEOUT_SECONDS) must be from 1 to 3600 seconds, got 0 ms",
        "SANDBOX_TIMEOUT_SECONDS, 3601, timeout (SANDBOX_TIMEOUT_SECONDS)",
        "SANDBOX_OUTPUT_LIMIT_BYTES, 10, outputLimitBytes (SANDBOX_OUTPUT_LIMIT_BYTES) must be from 1024 to 67108864, got 10",
        "SANDBOX_NOFILE, 1, openFiles (SANDBOX_NOFILE) must be from 16 to 65536, got 1",
        "SANDBOX_MAX_CONCURRENT, 0, maxConcurrent (SANDBOX_MAX_CONCURRENT) must be from 1 to 256, got 0",
        "SANDBOX_QUEUE, -1, queue (SANDBOX_QUEUE) must be from 0 to 10000, got -1",
        "SANDBOX_WARM_POOL, 65, warmPool (SANDBOX_WARM_POOL) must be from 0 to 64, got 65",
        "SANDBOX_RUNTIME, 'run sc', runtime (SANDBOX_RUNTIME) must be an OCI runtime name",
        "SANDBOX_DOCKER_HOST, http://engine, dockerHost (SANDBOX_DOCKER_HOST) must be a unix:// or tcp:// URL",
        "SANDBOX_CPUS, lots, SANDBOX_CPUS must be a number, got 'lots'",
    })
    void aBadValueIsRefusedNamingTheVariableTheValueAndTheRange(String variable, String value, String message) {
        assertThatThrownBy(() -> SandboxSettings.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void theBuilderValidatesInBytesNotInRoundedMebibytes() {
        assertThatThrownBy(() -> SandboxSettings.builder().memoryBytes(16L * 1024 * 1024 - 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memoryBytes (SANDBOX_MEMORY_MB) must be from 16 MiB to 16384 MiB, got 16777215 bytes");
    }

    @Test
    void toBuilderKeepsEveryValueAndChangesOnlyWhatIsSet() {
        SandboxSettings base = SandboxSettings.builder().pids(16).timeout(Duration.ofSeconds(3)).user("20000:20001")
                .runtime("runsc").warmPool(1).build();
        SandboxSettings copy = base.toBuilder().image("other:2").build();
        assertThat(copy.describe()).isEqualTo(withImage(base.describe(), "other:2"));
        assertThat(base.toBuilder().build().describe()).isEqualTo(base.describe());
    }

    private static Map<String, Object> withImage(Map<String, Object> described, String image) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(described);
        out.put("image", image);
        return out;
    }

    @Test
    void tlsNeedsATcpEngineAndItsThreeFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertThatThrownBy(() -> SandboxSettings.builder().tlsCertPath(dir.toString()).build())
                .hasMessageContaining("tlsCertPath (SANDBOX_DOCKER_CERT_PATH) needs a tcp:// engine");
        assertThatThrownBy(() -> SandboxSettings.builder().dockerHost("tcp://engine:2376").tlsCertPath(dir.toString())
                .build()).hasMessageContaining("has no readable ca.pem");
        assertThatThrownBy(() -> SandboxSettings.fromEnvironment(Map.of("DOCKER_HOST", "tcp://engine:2376",
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", dir.toString())))
                .hasMessageContaining("has no readable ca.pem");
    }

    @Test
    void describeAndToStringNameEverySettingAndNoKeyMaterial() {
        SandboxSettings s = SandboxSettings.defaults();
        assertThat(s.describe()).containsKeys("image", "dockerHost", "profile", "memoryBytes", "cpus", "pids",
                "timeoutMs", "tmpfsBytes", "outputLimitBytes", "fileSizeBytes", "openFiles", "user", "runtime",
                "maxConcurrent", "queue", "warmPool", "tls");
        assertThat(s.describe().get("profile")).isEqualTo("strict");
        assertThat(s.toString()).startsWith("SandboxSettings{").doesNotContain("PRIVATE KEY").doesNotContain("SCMP_");
    }

    @Test
    void anImageWithoutPython3IsRefusedByDefaultAndAcceptedOnlyExplicitly() {
        assertThat(SandboxSettings.defaults().allowImageWithoutPython3()).isFalse();
        SandboxSettings allowed = SandboxSettings.fromEnvironment(Map.of("SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3", "true"));
        assertThat(allowed.allowImageWithoutPython3()).isTrue();
        assertThat(allowed.toBuilder().build().allowImageWithoutPython3()).isTrue();
        assertThat(allowed.describe()).containsEntry("allowImageWithoutPython3", true);
        assertThatThrownBy(() -> SandboxSettings.fromEnvironment(Map.of("SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3", "maybe")))
                .hasMessageContaining("SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3");
    }
}
