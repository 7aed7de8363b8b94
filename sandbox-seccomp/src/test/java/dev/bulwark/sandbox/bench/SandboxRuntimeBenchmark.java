package dev.bulwark.sandbox.bench;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.sandbox.Sandbox;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.sandbox.SandboxResult;
import dev.bulwark.sandbox.SandboxSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one trivial run ({@code python3 -c "print(1)"}, strict profile) under each OCI
 * runtime the engine has, in one JMH run: {@code runc} and gVisor's {@code runsc} (registered by
 * {@code scripts/test-services.sh} with {@code --oci-seccomp}). The normal path and the warm pool
 * (4 containers, each measured run starts when the pool is full again). Sample mode gives p50 and
 * p99: {@code scripts/benchmark.sh sandbox-seccomp SandboxRuntimeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class SandboxRuntimeBenchmark {

    private static final int POOL = 4;

    /** The engine's name of the OCI runtime. */
    @Param({"runc", "runsc"})
    public String runtime;

    private final MetricRegistry metrics = new MetricRegistry();
    private final SandboxRequest trivial = new SandboxRequest(List.of("python3", "-c", "print(1)"), null, null, null);
    private Sandbox sandbox;
    private Sandbox warm;

    @Setup(Level.Trial)
    public void start() {
        SandboxSettings settings = SandboxSettings.builder().runtime(runtime).maxConcurrent(8).queue(64).build();
        sandbox = Sandbox.create(settings);
        warm = Sandbox.builder(settings.toBuilder().warmPool(POOL).build()).metrics(metrics).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        sandbox.close();
        warm.close();
    }

    /** Before each run of {@link #warmPool}: the pool is full again (requests slower than refills). */
    @Setup(Level.Invocation)
    public void waitForAFullPool() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ready() < POOL && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private int ready() {
        Gauge<?> g = metrics.getGauges().get("bulwark.sandbox.warm_pool.ready");
        return g == null ? 0 : ((Number) g.getValue()).intValue();
    }

    @Benchmark
    public String normal() {
        return check(sandbox.run(trivial));
    }

    @Benchmark
    public String warmPool() {
        return check(warm.run(trivial));
    }

    private static String check(SandboxResult r) {
        if (!r.succeeded() || !r.stdout().trim().equals("1")) {
            throw new IllegalStateException("exit " + r.exitCode() + ": " + r.stderr());
        }
        return r.stdout();
    }
}
