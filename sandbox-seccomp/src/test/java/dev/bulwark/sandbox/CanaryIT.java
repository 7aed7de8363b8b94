package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start-up canary proves on the real engine that the profile is in force before any run. */
@RequiresService(Service.DOCKER)
class CanaryIT {

    private static final SandboxSettings SETTINGS = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
            .timeout(Duration.ofSeconds(20)).outputLimitBytes(64 * 1024).build();

    @Test
    void anEngineThatSilentlyDropsTheProfileIsRefusedBeforeAnyRun() {
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.builder(SETTINGS).dropProfileForTest().build()) {
            assertThatThrownBy(runtime::check).isInstanceOf(SandboxException.class)
                    .hasMessageContaining("seccomp profile is not in force").hasMessageContaining("unshare(0) answered 0");
            assertThatThrownBy(() -> runtime.run(SandboxRequest.python("print(1)", "")))
                    .isInstanceOf(SandboxException.class).hasMessageContaining("not in force");
        }
        assertThatThrownBy(() -> Sandbox.builder(SETTINGS).runtime(
                DockerSandboxRuntime.builder(SETTINGS).dropProfileForTest().build()).build())
                .isInstanceOf(SandboxException.class).hasMessageContaining("not in force");
    }

    @Test
    void theEnginesRuntimeWithTheStrictProfilePassesAndRuns() {
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.create(SETTINGS)) {
            runtime.check();
            assertThat(runtime.run(SandboxRequest.python("print(6 * 7)", "")).stdout()).isEqualTo("42\n");
        }
    }

    @Test
    void gvisorWithOciSeccompPassesTheCanaryAndThreadsStart() {
        Runtimes.assumeRegistered(Runtimes.RUNSC);
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.create(SETTINGS.toBuilder().runtime(Runtimes.RUNSC).build())) {
            runtime.check();
            SandboxResult r = runtime.run(SandboxRequest.python(String.join("\n",
                    "import threading",
                    "t = threading.Thread(target=lambda: print('from a thread'))",
                    "t.start()",
                    "t.join()"), ""));
            assertThat(r.stdout()).as(r.stderr()).isEqualTo("from a thread\n");
        }
    }

    @Test
    void gvisorRegisteredWithoutOciSeccompIsRefusedBeforeAnyRun() {
        Runtimes.assumeRegistered(Runtimes.RUNSC_WITHOUT_OCI_SECCOMP);
        SandboxSettings unsafe = SETTINGS.toBuilder().runtime(Runtimes.RUNSC_WITHOUT_OCI_SECCOMP).build();
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.create(unsafe)) {
            assertThatThrownBy(runtime::check).isInstanceOf(SandboxException.class)
                    .hasMessageContaining("seccomp profile is not in force").hasMessageContaining("unshare(0) answered 0")
                    .hasMessageContaining("--oci-seccomp");
            assertThatThrownBy(() -> runtime.run(SandboxRequest.python("print(1)", "")))
                    .isInstanceOf(SandboxException.class).hasMessageContaining("not in force");
        }
    }

    @Test
    void aProfileRefusingWhatTheDeadlinesWatchdogNeedsIsRefusedBeforeAnyRun() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                SeccompProfile.JSON.readTree(SeccompProfile.strict().toJson());
        com.fasterxml.jackson.databind.node.ArrayNode kept = SeccompProfile.JSON.createArrayNode();
        for (com.fasterxml.jackson.databind.JsonNode rule : json.get("syscalls")) {
            boolean setDumpable = rule.get("names").toString().contains("\"prctl\"") && rule.has("args")
                    && rule.get("args").get(0).get("value").asLong() == 4;
            if (!setDumpable) {
                kept.add(rule);
            }
        }
        json.set("syscalls", kept);
        SandboxSettings custom = SETTINGS.toBuilder().profile(SeccompProfile.parse(json.toString())).build();
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.create(custom)) {
            assertThatThrownBy(runtime::check).isInstanceOf(SandboxException.class)
                    .hasMessageContaining("refuses prctl(PR_SET_DUMPABLE, 0)").hasMessageContaining("SANDBOX_PROFILE");
        }
    }

    @Test
    void aRuntimeNameTheEngineDoesNotKnowIsAClearError() {
        SandboxSettings unknown = SETTINGS.toBuilder().runtime("no-such-runtime").build();
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.create(unknown)) {
            assertThatThrownBy(runtime::check).isInstanceOf(SandboxException.class)
                    .hasMessageContaining("'no-such-runtime' (SANDBOX_RUNTIME) is not registered")
                    .hasMessageContaining("daemon.json");
        }
    }
}
