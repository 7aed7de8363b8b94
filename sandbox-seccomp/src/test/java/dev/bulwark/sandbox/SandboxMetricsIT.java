package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The {@code bulwark.sandbox.*} metrics, counted from real runs on the real engine. */
@RequiresService(Service.DOCKER)
class SandboxMetricsIT {

    private static final SandboxSettings SETTINGS = SandboxSettings.builder().memoryBytes(64L * 1024 * 1024).pids(32)
            .timeout(Duration.ofSeconds(20)).outputLimitBytes(1024).maxConcurrent(1).queue(0).build();

    private static long count(MetricRegistry metrics, String name) {
        return metrics.getCounters().get("bulwark.sandbox." + name).getCount();
    }

    @Test
    void runsTimeoutsOomKillsOutputCapHitsAndDurationsAreCounted() {
        MetricRegistry metrics = new MetricRegistry();
        try (Sandbox sandbox = Sandbox.builder(SETTINGS).metrics(metrics).build()) {
            assertThat(sandbox.run(SandboxRequest.python("print(1)", "")).succeeded()).isTrue();
            SandboxResult loop = sandbox.run(SandboxRequest.python("while True: pass", "").withTimeout(Duration.ofSeconds(1)));
            SandboxResult oom = sandbox.run(SandboxRequest.python("b = bytearray(512 * 1024 * 1024)", ""));
            SandboxResult flood = sandbox.run(SandboxRequest.python("print('x' * 5000)", ""));

            assertThat(loop.timedOut()).isTrue();
            assertThat(oom.oomKilled()).as(oom.stderr()).isTrue();
            assertThat(flood.stdoutTruncated()).isTrue();
            assertThat(count(metrics, "runs")).isEqualTo(4);
            assertThat(count(metrics, "timeouts")).isEqualTo(1);
            assertThat(count(metrics, "oom_kills")).isEqualTo(1);
            assertThat(count(metrics, "output_cap_hits")).isEqualTo(1);
            assertThat(count(metrics, "failures")).isZero();
            assertThat(count(metrics, "refused")).isZero();
            assertThat(metrics.getTimers().get("bulwark.sandbox.duration").getCount()).isEqualTo(4);
            assertThat(metrics.getTimers().get("bulwark.sandbox.duration").getSnapshot().getMax())
                    .as("the timed-out run took at least its 1 s limit").isGreaterThanOrEqualTo(1_000_000_000L);
        }
    }

    @Test
    void aRunRefusedAsBusyAndARunThatFailsAreCounted() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            // its own owner label: other tests may run sandbox containers on the engine too
            String owner = "sandbox-metrics-it-" + java.util.UUID.randomUUID();
            Sandbox sandbox = Sandbox.builder(SETTINGS).metrics(metrics)
                    .runtime(DockerSandboxRuntime.builder(SETTINGS).owner(owner).build()).build();
            Future<SandboxResult> slow = caller.submit(() -> sandbox.run(SandboxRequest.python(
                    "import sys, time\nprint('started', flush=True)\ntime.sleep(3)", "")));
            Poll.until(Duration.ofSeconds(30), "the slow run's container is running", () -> WarmPoolIT.running(owner) == 1);

            assertThatThrownBy(() -> sandbox.run(SandboxRequest.python("print(1)", "")))
                    .isInstanceOf(SandboxBusyException.class);
            assertThat(slow.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
            sandbox.close();
            assertThatThrownBy(() -> sandbox.run(SandboxRequest.python("print(1)", "")))
                    .isInstanceOf(SandboxException.class).hasMessageContaining("closed");

            assertThat(count(metrics, "refused")).isEqualTo(1);
            assertThat(count(metrics, "failures")).isEqualTo(1);
            assertThat(count(metrics, "runs")).isEqualTo(1);
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void theCallersThreadFactoryMakesTheRuntimesThreads() {
        AtomicInteger made = new AtomicInteger();
        java.util.concurrent.ThreadFactory factory = task -> {
            made.incrementAndGet();
            Thread t = new Thread(task, "caller-sandbox-thread");
            t.setDaemon(true);
            return t;
        };
        try (Sandbox sandbox = Sandbox.builder(SETTINGS).threadFactory(factory).build()) {
            assertThat(sandbox.run(SandboxRequest.python("import sys\nprint(sys.stdin.read())", "via stdin")).stdout())
                    .isEqualTo("via stdin\n");
        }
        assertThat(made.get()).as("the stdin feeder came from the caller's factory").isPositive();
    }
}
