package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional warm pool: pre-created containers, same limits and profile, each used once; and close() during runs. */
@RequiresService(Service.DOCKER)
class WarmPoolIT {

    /** This test class's own containers only: other tests may share the engine. */
    private static final String OWNER = "warm-pool-it-" + java.util.UUID.randomUUID();

    private static int labelledContainers() throws Exception {
        return containersOf(OWNER);
    }

    /** Containers (any state) whose owner label is {@code owner}. */
    static int containersOf(String owner) throws Exception {
        Process p = new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=" + DockerSandboxRuntime.OWNER + "=" + owner)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.isEmpty() ? 0 : out.split("\\s+").length;
    }

    @Test
    void warmContainersRunFilesAndStdinOnceEachAndAreRemovedOnClose() throws Exception {
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
                .timeout(Duration.ofSeconds(20)).outputLimitBytes(64 * 1024).warmPool(2).maxConcurrent(2).queue(4).build();
        MetricRegistry metrics = new MetricRegistry();
        try (Sandbox sandbox = Sandbox.builder(settings).metrics(metrics)
                .runtime(DockerSandboxRuntime.builder(settings).metrics(metrics).owner(OWNER).build()).build()) {
            Poll.until(Duration.ofSeconds(30), "two warm containers", () -> warmReady(metrics) == 2);

            SandboxIT.assertStrategyResult(sandbox.run(SandboxIT.strategyRequest()));

            SandboxResult probe = sandbox.run(SandboxRequest.python(String.join("\n",
                    "import ctypes, socket, os",
                    "libc = ctypes.CDLL(None, use_errno=True)",
                    "try:",
                    "    socket.create_connection(('127.0.0.1', 80), timeout=1); print('net:open')",
                    "except OSError:",
                    "    print('net:refused')",
                    "print('setuid:', libc.setuid(0), ctypes.get_errno() != 0)",
                    "print('mount:', libc.syscall(165, b'none', b'/tmp', b'tmpfs', 0, None))",
                    "print('uid:', os.getuid())"), ""));
            assertThat(probe.exitCode()).as(probe.stderr()).isZero();
            assertThat(probe.stdout()).contains("net:refused", "setuid: -1 True", "mount: -1", "uid: 10001");

            SandboxResult exec = sandbox.run(new SandboxRequest(List.of("python3", "-S", "-c",
                    "import sys; print(sys.argv, sys.stdin.read())"), Map.of(), "via exec".getBytes(StandardCharsets.UTF_8), null));
            assertThat(exec.stdout()).as(exec.stderr()).isEqualTo("['-c'] via exec\n");

            // no files (the bootstrap skips tarfile), run in the bootstrap's interpreter, arguments as sent
            Poll.until(Duration.ofSeconds(30), "a warm container ready", () -> warmReady(metrics) >= 1);
            SandboxResult inProcess = sandbox.run(new SandboxRequest(List.of("python3", "-c",
                    "import sys; print(sys.argv, sys.stdin.read())", "a b", "\u00e9", "-x"), Map.of(),
                    "in process".getBytes(StandardCharsets.UTF_8), null));
            assertThat(inProcess.stdout()).as(inProcess.stderr()).isEqualTo("['-c', 'a b', '\u00e9', '-x'] in process\n");

            SandboxResult loop = sandbox.run(SandboxRequest.python("while True: pass", "")
                    .withTimeout(Duration.ofSeconds(2)));
            assertThat(loop.timedOut()).isTrue();

            Poll.until(Duration.ofSeconds(30), "pool refilled, used containers removed",
                    () -> warmReady(metrics) == 2 && count() == 2);
        }
        Poll.until(Duration.ofSeconds(30), "warm containers removed on close", () -> count() == 0);
    }

    @Test
    void closeDuringARunLetsItFinishAndLeavesNoContainerBehind() throws Exception {
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
                .timeout(Duration.ofSeconds(20)).outputLimitBytes(64 * 1024).build();
        DockerSandboxRuntime runtime = DockerSandboxRuntime.builder(settings).owner(OWNER).build();
        runtime.check();
        java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<SandboxResult> run = caller.submit(() -> runtime.run(SandboxRequest.python(
                    "import time\nprint('started', flush=True)\ntime.sleep(2)\nprint('done')", "")));
            Poll.until(Duration.ofSeconds(30), "the run's container is running", () -> running() == 1);
            runtime.close();

            SandboxResult r = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.stdout()).as(r.stderr()).isEqualTo("started\ndone\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.run(SandboxRequest.python("print(1)", "")))
                    .isInstanceOf(SandboxException.class).hasMessageContaining("closed");
            Poll.until(Duration.ofSeconds(30), "every container removed after close", () -> count() == 0);
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void closeRacingRunsAndWarmRefillsNeverLeavesAStartedContainer() throws Exception {
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
                .timeout(Duration.ofSeconds(20)).outputLimitBytes(64 * 1024).warmPool(2).build();
        java.util.Random random = new java.util.Random(14);
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 8; round++) {
                String owner = OWNER + "-race-" + round;
                DockerSandboxRuntime runtime = DockerSandboxRuntime.builder(settings).owner(owner).build();
                runtime.check(); // starts the warm pool: two containers being created and started now
                java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
                List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    runs.add(callers.submit(() -> {
                        while (true) {
                            try {
                                SandboxResult r = runtime.run(SandboxRequest.python("print(6 * 7)", ""));
                                assertThat(r.stdout()).as(r.stderr()).isEqualTo("42\n");
                                served.incrementAndGet();
                            } catch (SandboxException refused) {
                                assertThat(refused).hasMessageContaining("closed");
                                return null;
                            }
                        }
                    }));
                }
                // close at a different moment each round: during the pool's first fill, mid-run, mid-refill
                long closeAfter = random.nextInt(2500);
                java.util.concurrent.locks.LockSupport.parkNanos(closeAfter * 1_000_000);
                runtime.close();
                for (java.util.concurrent.Future<?> run : runs) {
                    run.get(120, java.util.concurrent.TimeUnit.SECONDS);
                }
                assertThat(containersOf(owner)).as("containers of round %d (close after %d ms, %d runs served)",
                        round, closeAfter, served.get()).isZero();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** The runtime's gauge of warm containers ready now, -1 when it is not registered. */
    static int warmReady(MetricRegistry metrics) {
        com.codahale.metrics.Gauge<?> g = metrics.getGauges().get(DockerSandboxRuntime.WARM_READY_METRIC);
        return g == null ? -1 : ((Number) g.getValue()).intValue();
    }

    static int running() {
        return running(OWNER);
    }

    /** Running containers whose owner label is {@code owner}, -1 when the engine cannot say. */
    static int running(String owner) {
        try {
            Process p = new ProcessBuilder("docker", "ps", "-q", "--filter", "label=" + DockerSandboxRuntime.OWNER + "=" + owner,
                    "--filter", "status=running").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return out.isEmpty() ? 0 : out.split("\\s+").length;
        } catch (Exception e) {
            return -1;
        }
    }

    private static int count() {
        try {
            return labelledContainers();
        } catch (Exception e) {
            return -1;
        }
    }
}
