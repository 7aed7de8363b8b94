package dev.bulwark.sandbox.bench;

import dev.bulwark.sandbox.Sandbox;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.sandbox.SandboxResult;
import dev.bulwark.sandbox.SandboxSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A trivial program ({@code python3 -c "print(1)"}) through {@code Sandbox.run} (normal path, and
 * with a warm pool of 4) vs the Docker CLI, in one run. Two CLI baselines, both driven through
 * {@link ProcessBuilder} as a service without Bulwark would: {@code docker run --rm -i} with the
 * sandbox's flags and profile ({@link #dockerRunCli}), and plain {@code docker run --rm --network none}
 * ({@link #dockerRunPlain}). Sample mode gives p50/p99; run with {@code -t 1}, {@code -t 2},
 * {@code -t 4} for throughput at those concurrencies:
 * {@code scripts/benchmark.sh sandbox-seccomp SandboxBenchmark -bm thrpt -tu s -t 4}. Every
 * container it starts carries a label ({@code dev.bulwark.sandbox=true} or
 * {@value #BENCH_LABEL}{@code =cli}), so a leak shows in {@code docker ps -a --filter label=…}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class SandboxBenchmark {

    /** Label of the CLI baselines' containers (the sandbox's own carry {@code dev.bulwark.sandbox=true}). */
    static final String BENCH_LABEL = "dev.bulwark.bench";

    private Sandbox sandbox;
    private SandboxSettings settings;
    private Path profile;
    private final SandboxRequest trivial = new SandboxRequest(List.of("python3", "-c", "print(1)"), null, null, null);

    @Setup(Level.Trial)
    public void start() throws IOException {
        settings = SandboxSettings.builder().maxConcurrent(8).queue(64).build();
        sandbox = Sandbox.create(settings);
        profile = Files.createTempFile("strict", ".json");
        Files.writeString(profile, settings.profile().toJson());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        sandbox.close();
        Files.deleteIfExists(profile);
    }

    @Benchmark
    public String bulwarkSandboxRun() {
        SandboxResult r = sandbox.run(trivial);
        if (!r.succeeded()) {
            throw new IllegalStateException(r.stderr());
        }
        return r.stdout();
    }

    /** The same sandbox with a warm pool of 4 pre-started containers (each used once). */
    @State(Scope.Benchmark)
    public static class Warm {
        final com.codahale.metrics.MetricRegistry metrics = new com.codahale.metrics.MetricRegistry();
        Sandbox sandbox;

        @Setup(Level.Trial)
        public void start() {
            sandbox = Sandbox.builder(SandboxSettings.builder().maxConcurrent(8).queue(64).warmPool(4).build())
                    .metrics(metrics).build();
        }

        int warmReady() {
            com.codahale.metrics.Gauge<?> g = metrics.getGauges().get("bulwark.sandbox.warm_pool.ready");
            return g == null ? 0 : ((Number) g.getValue()).intValue();
        }

        @TearDown(Level.Trial)
        public void stop() {
            sandbox.close();
        }
    }

    /** Paced: each measured run starts when the pool is full again (requests slower than refills). */
    @State(Scope.Benchmark)
    public static class WarmPaced extends Warm {
        @Setup(Level.Invocation)
        public void waitForAFullPool() throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (warmReady() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    /** Back to back: the pool drains and runs fall back to the cold path while it refills. */
    @Benchmark
    public String bulwarkSandboxRunWarmPoolSaturated(Warm warm) {
        return check(warm.sandbox.run(trivial));
    }

    @Benchmark
    public String bulwarkSandboxRunWarmPoolPaced(WarmPaced warm) {
        return check(warm.sandbox.run(trivial));
    }

    private static String check(SandboxResult r) {
        if (!r.succeeded()) {
            throw new IllegalStateException(r.stderr());
        }
        return r.stdout();
    }

    @Benchmark
    public int dockerRunCli() throws Exception {
        long shm = Math.min(1024L * 1024, settings.tmpfsBytes() / 4); // as DockerSandboxRuntime sizes /dev/shm
        Process p = new ProcessBuilder("docker", "run", "--rm", "-i", "--label", BENCH_LABEL + "=cli",
                "--network", "none", "--read-only", "--init",
                "--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=" + (settings.tmpfsBytes() - shm),
                "--shm-size", Long.toString(shm), "--log-driver", "local",
                "--log-opt", "max-size=1m", "--log-opt", "max-file=1",
                "--log-opt", "compress=false", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", "--security-opt", "seccomp=" + profile,
                "--pids-limit", Long.toString(settings.pids()), "--memory", Long.toString(settings.memoryBytes()),
                "--memory-swap", Long.toString(settings.memoryBytes()), "--cpus", Double.toString(settings.cpus()),
                "--ulimit", "fsize=" + settings.fileSizeBytes(), "--ulimit", "nofile=" + settings.openFiles(),
                "--ulimit", "core=0:0", "--ulimit", "memlock=0:0",
                "--user", settings.user(), "--workdir", "/work", settings.image(), "python3", "-c", "print(1)")
                .redirectErrorStream(true).start();
        return finish(p);
    }

    /** What a service without Bulwark would write: {@code docker run --rm --network none <image> python3 -c …}. */
    @Benchmark
    public int dockerRunPlain() throws Exception {
        return finish(new ProcessBuilder("docker", "run", "--rm", "--label", BENCH_LABEL + "=cli", "--network", "none",
                settings.image(), "python3", "-c", "print(1)").redirectErrorStream(true).start());
    }

    private static int finish(Process p) throws Exception {
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        if (code != 0 || !new String(out, java.nio.charset.StandardCharsets.UTF_8).trim().equals("1")) {
            throw new IllegalStateException("docker run exited " + code + ": " + new String(out, java.nio.charset.StandardCharsets.UTF_8));
        }
        return code;
    }
}
