package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hot path over the engine's Unix socket (raw HTTP, hand-demultiplexed attach stream) on the real
 * engine, normal and warm: a hostile program's flood of bytes that look like the engine's own frame
 * headers, invalid UTF-8 and both streams at once stays within the output cap and is counted; stdin
 * larger than the socket's buffer, read or ignored, never blocks the deadline; a program that closes
 * its output early still reports its exit code; and the docker-java path gives the same results.
 */
@RequiresService(Service.DOCKER)
class EngineHotPathIT {

    static final int CAP = 64 * 1024;
    static final String OWNER = "engine-hot-path-it-" + java.util.UUID.randomUUID();
    static SandboxSettings settings;
    static DockerSandboxRuntime normal;
    static DockerSandboxRuntime warm;
    static Sandbox cold;
    static Sandbox pooled;
    static final MetricRegistry METRICS = new MetricRegistry();

    /**
     * Writes 8 MiB to stdout and 4 MiB to stderr, interleaved, of frame-header lookalikes (stream 1,
     * size 4 GiB), stray bytes and invalid UTF-8, then exits 7.
     */
    static final String FLOOD = String.join("\n",
            "import os",
            "fake = b'\\x01\\x00\\x00\\x00\\xff\\xff\\xff\\xff' + b'\\x02\\x00\\x00' + b'\\xff\\xfe\\xc3' + b'\\x00' * 5",
            "block = fake * (65536 // len(fake))",
            "out = err = 0",
            "while out < 8 * 1024 * 1024:",
            "    out += os.write(1, block)",
            "    if err < 4 * 1024 * 1024:",
            "        err += os.write(2, block[:32768])",
            "raise SystemExit(7)");

    @BeforeAll
    static void start() {
        settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32).timeout(Duration.ofSeconds(20))
                .outputLimitBytes(CAP).build();
        normal = DockerSandboxRuntime.builder(settings).owner(OWNER).build();
        cold = Sandbox.builder(settings).runtime(normal).build();
        SandboxSettings warmSettings = settings.toBuilder().warmPool(2).maxConcurrent(2).build();
        warm = DockerSandboxRuntime.builder(warmSettings).metrics(METRICS).owner(OWNER).build();
        pooled = Sandbox.builder(warmSettings).runtime(warm).build();
    }

    @AfterAll
    static void stop() {
        cold.close();
        pooled.close();
    }

    static int warmReady() {
        Gauge<?> g = METRICS.getGauges().get("bulwark.sandbox.warm_pool.ready");
        return g == null ? 0 : ((Number) g.getValue()).intValue();
    }

    static void assertFloodContained(SandboxResult r) {
        assertThat(r.exitCode()).as("stderr: " + r.stderr()).isEqualTo(7);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdoutBytes()).as("every byte written to stdout counted").isGreaterThanOrEqualTo(8L * 1024 * 1024);
        assertThat(r.stderrBytes()).as("every byte written to stderr counted").isGreaterThanOrEqualTo(4L * 1024 * 1024);
        assertThat(r.stdout().length()).as("kept stdout (each kept byte decodes to at most one char)")
                .isLessThanOrEqualTo(CAP).isGreaterThan(CAP / 2);
        assertThat(r.stderr().length()).isLessThanOrEqualTo(CAP).isGreaterThan(CAP / 2);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stderrTruncated()).isTrue();
        assertThat(r.stdout()).startsWith("\u0001\u0000\u0000\u0000");
    }

    @Test
    void runsGoThroughTheRawClientOnAUnixSocketEngine() {
        assertThat(normal.rawHotPath()).isTrue();
        assertThat(warm.rawHotPath()).isTrue();
    }

    @Test
    void aFloodOfFrameLookalikesStaysWithinTheCapOnTheNormalPath() {
        assertFloodContained(cold.run(SandboxRequest.python(FLOOD, "")));
    }

    @Test
    void aFloodOfFrameLookalikesStaysWithinTheCapInAWarmContainer() {
        Poll.until(Duration.ofSeconds(30), "a warm container", () -> warmReady() >= 1);

        assertFloodContained(pooled.run(SandboxRequest.python(FLOOD, "")));
    }

    @Test
    void stdinLargerThanTheSocketBufferIsDeliveredInFull() {
        byte[] input = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(input, (byte) 'i');
        SandboxRequest request = new SandboxRequest(List.of("python3", "-c",
                "import sys; print(len(sys.stdin.buffer.read()))"), Map.of(), input, null);

        SandboxResult r = cold.run(request);
        Poll.until(Duration.ofSeconds(30), "a warm container", () -> warmReady() >= 1);
        SandboxResult w = pooled.run(request);

        assertThat(r.stdout()).as(r.stderr()).isEqualTo(input.length + "\n");
        assertThat(w.stdout()).as(w.stderr()).isEqualTo(input.length + "\n");
    }

    @Test
    void stdinThatTheProgramNeverReadsDoesNotHoldTheDeadline() {
        byte[] input = new byte[8 * 1024 * 1024];
        SandboxRequest request = new SandboxRequest(List.of("python3", "-c", "import time; time.sleep(600)"), Map.of(),
                input, Duration.ofSeconds(2));

        long t0 = System.nanoTime();
        SandboxResult r = cold.run(request);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.timedOut()).isTrue();
        // killed by the JVM at 2 s, not by the in-container deadline at 2 + 5 s: stdin never held the watch
        assertThat(took).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void aProgramThatClosesItsOutputEarlyStillReportsItsExit() {
        SandboxResult r = cold.run(SandboxRequest.python(
                "import os, time\nprint('bye', flush=True)\nos.close(1)\nos.close(2)\ntime.sleep(1)\nos._exit(3)", ""));

        assertThat(r.stdout()).isEqualTo("bye\n");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void theDockerJavaPathGivesTheSameResults() {
        DockerSandboxRuntime viaDockerJava = DockerSandboxRuntime.builder(settings).owner(OWNER).dockerJavaOnly().build();
        try (Sandbox other = Sandbox.builder(settings).runtime(viaDockerJava).build()) {
            assertThat(viaDockerJava.rawHotPath()).isFalse();
            SandboxRequest request = new SandboxRequest(List.of("python3", "-c",
                    "import sys; sys.stdout.write(sys.stdin.read().upper() + 'x' * 70000); sys.stderr.write('e'); "
                            + "raise SystemExit(5)"), Map.of("in.txt", "data".getBytes(StandardCharsets.UTF_8)),
                    "abc".getBytes(StandardCharsets.UTF_8), null);

            SandboxResult viaRaw = cold.run(request);
            SandboxResult viaJava = other.run(request);

            for (SandboxResult r : List.of(viaRaw, viaJava)) {
                assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
                assertThat(r.stdout()).startsWith("ABCxxx").hasSize(CAP);
                assertThat(r.stdoutBytes()).isEqualTo(70_003);
                assertThat(r.stderr()).isEqualTo("e");
                assertThat(r.stdoutTruncated()).isTrue();
                assertThat(r.oomKilled()).isFalse();
            }
        }
    }

    /**
     * Programs that end by themselves, exit 0, around their deadline: none is reported as timed out
     * (review 2026-11-27 S2: a run whose program exited between the deadline and the kill was
     * reported {@code exitCode=0, timedOut=true}). A timeout is the kill's 137.
     */
    @Test
    void aProgramEndingByItselfAroundItsDeadlineIsNeverBothExitedAndTimedOut() {
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            double sleep = 0.75 + 0.05 * i;
            SandboxResult r = cold.run(SandboxRequest.python("import time; time.sleep(" + sleep + ")", "")
                    .withTimeout(Duration.ofSeconds(1)));
            seen.add(sleep + " s: exit " + r.exitCode() + (r.timedOut() ? " timed out" : ""));
            assertThat(r.exitCode()).as(seen.toString()).isIn(0L, 137L);
            assertThat(r.timedOut()).as(seen.toString()).isEqualTo(r.exitCode() == 137);
        }
    }
}
