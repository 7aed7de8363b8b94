package dev.bulwark.sandbox.bench;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.sandbox.Sandbox;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.sandbox.SandboxResult;
import dev.bulwark.sandbox.SandboxSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Drives a number of trivial runs ({@code python3 -c pass}, which a warm container runs in its own
 * interpreter, as the benchmarks' {@code print(1)}) through {@code Sandbox.run} for
 * {@code sandbox-seccomp/scripts/engine-cpu.py}, which measures the engine's and the OCI runtime's CPU
 * per container lifecycle. Arguments: {@code warm|normal} (or {@code warm-steps|normal-steps}: one run
 * at a time, how long before and after the program its wall clock shows), runs, callers, OCI runtime ({@code runc}
 * or {@code runsc}), optionally the Python code (default {@code pass}); the other settings come from the
 * environment ({@code SANDBOX_*}, e.g. {@code SANDBOX_DOCKER_HOST} for a logging proxy). Give
 * {@code engine-cpu.py} the run count plus 5 for {@code warm} (the start-up canary and the pool's four
 * spare containers, removed by {@code close()}, are lifecycles too), plus 1 for {@code normal}.
 * {@code -Dwarmup=N} first runs N unmeasured runs the same way (the JIT's compilations then fall
 * mostly outside the JVM's measured CPU; give {@code engine-cpu.py} those runs too).
 */
public final class EngineCpuHarness {

    private EngineCpuHarness() {
    }

    /**
     * Runs the harness.
     *
     * @param args mode, runs, callers, runtime
     * @throws Exception on a failed run
     */
    public static void main(String[] args) throws Exception {
        boolean warm = args[0].startsWith("warm");
        int runs = Integer.parseInt(args[1]);
        int callers = Integer.parseInt(args[2]);
        SandboxSettings.Builder b = SandboxSettings.fromEnvironment().toBuilder().maxConcurrent(8).queue(64)
                .warmPool(warm ? 4 : 0);
        if (args.length > 3 && !args[3].equals("runc")) {
            b.runtime(args[3]);
        }
        MetricRegistry metrics = new MetricRegistry();
        SandboxRequest trivial = new SandboxRequest(List.of("python3", "-c", args.length > 4 ? args[4] : "pass"), null, null, null);
        try (Sandbox sandbox = Sandbox.builder(b.build()).metrics(metrics).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (warm && ready(metrics) < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (args[0].endsWith("-steps")) {
                steps(sandbox, metrics, warm, runs);
                return;
            }
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<SandboxResult>> warmup = new ArrayList<>();
            for (int i = 0; i < Integer.getInteger("warmup", 0); i++) {
                warmup.add(pool.submit(() -> sandbox.run(trivial)));
            }
            for (Future<SandboxResult> f : warmup) {
                f.get();
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long start = System.nanoTime();
            List<Future<SandboxResult>> done = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                done.add(pool.submit(() -> sandbox.run(trivial)));
            }
            for (Future<SandboxResult> f : done) {
                SandboxResult r = f.get();
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("exit " + r.exitCode() + ": " + r.stderr());
                }
            }
            double s = (System.nanoTime() - start) / 1e9;
            double jvm = (os.getProcessCpuTime() - cpu0) / 1e6 / runs;
            System.out.printf("%d runs in %.2f s: %.2f runs/s (%s, %d callers); this JVM: %.1f ms CPU per run%n", runs, s,
                    runs / s, args[0], callers, jvm);
            pool.shutdown();
        }
    }

    /**
     * One run at a time (warm: each when the pool is full again), program printing the wall clock:
     * how long before the program ran and how long after it until {@code run()} returned, medians.
     */
    private static void steps(Sandbox sandbox, MetricRegistry metrics, boolean warm, int runs) throws Exception {
        SandboxRequest stamp = new SandboxRequest(List.of("python3", "-c",
                "import time; print('%.6f' % time.time())"), null, null, null);
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (warm && ready(metrics) < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double t0 = micros();
            SandboxResult r = sandbox.run(stamp);
            double t1 = micros();
            double ran = Double.parseDouble(r.stdout().trim()) * 1e6;
            before.add((ran - t0) / 1000);
            after.add((t1 - ran) / 1000);
        }
        java.util.Collections.sort(before);
        java.util.Collections.sort(after);
        System.out.printf("%d runs one at a time: program ran %.1f ms after run() began, run() returned %.1f ms after"
                + " that (medians)%n", runs, before.get(runs / 2), after.get(runs / 2));
    }

    private static double micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1e6 + now.getNano() / 1e3;
    }

    private static int ready(MetricRegistry metrics) {
        Gauge<?> g = metrics.getGauges().get("bulwark.sandbox.warm_pool.ready");
        return g == null ? 0 : ((Number) g.getValue()).intValue();
    }
}
