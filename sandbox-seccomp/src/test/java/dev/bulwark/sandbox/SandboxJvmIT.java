package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A JVM strategy (java Strategy.java, compiled in memory by the source launcher) runs in
 * bulwark/sandbox-jvm:17 under the same strict profile, limits and flags as Python code: the
 * allow-list measured from both workloads is enough for a JVM, and its escape-relevant syscalls
 * are still refused.
 */
@RequiresService(Service.DOCKER)
class SandboxJvmIT {
    static final String IMAGE = "bulwark/sandbox-jvm:17";

    private static Sandbox jvmSandbox() {
        SandboxSettings s = SandboxSettings.builder().memoryBytes(384L * 1024 * 1024).pids(128)
                .timeout(Duration.ofSeconds(60)).outputLimitBytes(64 * 1024).image(IMAGE).maxConcurrent(1).queue(1)
                .allowImageWithoutPython3(true).build();
        return Sandbox.create(s);
    }

    @Test
    void anImageWithoutPython3IsRefusedUnlessAcceptedExplicitly() {
        // bulwark/sandbox-jvm:17 has java and no python3 (nor a shell): no canary, no in-container deadline
        SandboxSettings s = SandboxSettings.builder().memoryBytes(384L * 1024 * 1024).pids(128)
                .timeout(Duration.ofSeconds(60)).image(IMAGE).build();
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.create(s)) {
            assertThatThrownBy(runtime::check).isInstanceOf(SandboxException.class)
                    .hasMessageContaining("'" + IMAGE + "' cannot run python3")
                    .hasMessageContaining("cannot prove that the seccomp filter is in force")
                    .hasMessageContaining("SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3=true");
            assertThatThrownBy(() -> runtime.run(new SandboxRequest(List.of("java", "-version"), null, null, null)))
                    .isInstanceOf(SandboxException.class).hasMessageContaining("cannot run python3");
        }
    }

    @Test
    void javaStrategyRunsUnderTheStrictProfileAndComputesTheMeanPrice() throws Exception {
        byte[] csv = SandboxIT.resource("prices.csv");
        double expected = 0;
        List<String> lines = List.of(new String(csv, StandardCharsets.UTF_8).split("\n"));
        for (String line : lines.subList(1, lines.size())) {
            expected += Double.parseDouble(line.split(",")[1].trim());
        }
        expected /= lines.size() - 1;
        try (Sandbox sandbox = jvmSandbox()) {
            SandboxResult r = sandbox.run(new SandboxRequest(
                    List.of("java", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xss512k", "Strategy.java"),
                    Map.of("Strategy.java", SandboxIT.resource("Strategy.java"), "prices.csv", csv), null, null));

            assertThat(r.exitCode()).as("stderr: " + r.stderr()).isZero();
            assertThat(SandboxIT.JSON.readTree(r.stdout()).get("mean").asDouble())
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(r.timedOut()).isFalse();
            assertThat(r.oomKilled()).isFalse();
        }
    }

    @Test
    void jvmCannotOpenANetworkSocketOrWriteOutsideTmp() throws Exception {
        String probe = String.join("\n",
                "public class Probe {",
                "  public static void main(String[] a) throws Exception {",
                "    try { new java.net.Socket(\"127.0.0.1\", 80); System.out.println(\"net:open\"); }",
                "    catch (Exception e) { System.out.println(\"net:refused\"); }",
                "    try { java.nio.file.Files.writeString(java.nio.file.Path.of(\"/etc/evil\"), \"x\"); System.out.println(\"write:ok\"); }",
                "    catch (Exception e) { System.out.println(\"write:refused\"); }",
                "  }",
                "}");
        try (Sandbox sandbox = jvmSandbox()) {
            SandboxResult r = sandbox.run(new SandboxRequest(List.of("java", "-XX:-UsePerfData", "Probe.java"),
                    Map.of("Probe.java", probe.getBytes(StandardCharsets.UTF_8)), null, null));

            assertThat(r.exitCode()).as("stderr: " + r.stderr()).isZero();
            assertThat(r.stdout()).contains("net:refused").contains("write:refused").doesNotContain("net:open")
                    .doesNotContain("write:ok");
        }
    }
}
