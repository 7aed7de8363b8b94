package dev.bulwark.sandbox;

import com.codahale.metrics.MetricRegistry;
import java.time.Duration;

/**
 * A JVM that starts a sandbox run and never ends it by itself: {@link LeaseIT} kills it with
 * SIGKILL mid-run. Arguments: owner label, {@code cold} or {@code warm}, run limit in seconds.
 */
final class LeaseChild {
    private LeaseChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean warm = args[1].equals("warm");
        Duration limit = Duration.ofSeconds(Long.parseLong(args[2]));
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32).timeout(limit)
                .outputLimitBytes(64 * 1024).warmPool(warm ? 1 : 0).build();
        MetricRegistry metrics = new MetricRegistry();
        DockerSandboxRuntime runtime = DockerSandboxRuntime.builder(settings).metrics(metrics).owner(args[0]).build();
        runtime.check();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (warm && WarmPoolIT.warmReady(metrics) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("running");
        System.out.flush();
        runtime.run(SandboxRequest.python("import time\nprint('started', flush=True)\ntime.sleep(600)", ""));
        System.out.println("the run ended while the JVM was alive: not expected");
    }
}
