package dev.bulwark.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Review 2026-11-27c (main f54f4bd): one run through the runtime's ordinary path (Sandbox run, raw engine client).
 * Usage: Attack OWNER cold|warm LIMIT_S FILESDIR|- CMD...
 * FILESDIR: every regular file in it becomes an input file (name relative to the dir).
 * Environment PROFILE=permissive: the shipped permissive profile instead of the default strict one.
 * Prints "running" before the run and the result after it (if the JVM lives that long).
 */
public final class Attack {
    public static void main(String[] a) throws Exception {
        String owner = a[0];
        boolean warm = a[1].equals("warm");
        Duration limit = Duration.ofSeconds(Long.parseLong(a[2]));
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (!a[3].equals("-")) {
            Path dir = Path.of(a[3]);
            try (var s = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        List<String> cmd = Arrays.asList(a).subList(4, a.length);
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32).timeout(limit)
                .outputLimitBytes(64 * 1024).warmPool(warm ? 1 : 0)
                .profile("permissive".equals(System.getenv("PROFILE")) ? SeccompProfile.permissive() : SeccompProfile.strict()).build();
        DockerSandboxRuntime runtime = DockerSandboxRuntime.builder(settings).owner(owner).build();
        runtime.check();
        long until = System.nanoTime() + 60_000_000_000L;
        while (warm && readyWarm(runtime) < 1 && System.nanoTime() < until) {
            Thread.sleep(50); // review program only
        }
        System.out.println("running");
        System.out.flush();
        long t0 = System.nanoTime();
        SandboxResult r = runtime.run(new SandboxRequest(cmd, files, new byte[0], limit));
        System.out.printf("result: exit=%d signal=%d timedOut=%s oom=%s wall=%.1fs%n", r.exitCode(), r.signal(), r.timedOut(),
                r.oomKilled(), (System.nanoTime() - t0) / 1e9);
        System.out.println("stdout: " + r.stdout().strip());
        System.out.println("stderr: " + r.stderr().strip());
        runtime.close();
        System.exit(0);
    }

    private static int readyWarm(DockerSandboxRuntime rt) throws Exception {
        java.lang.reflect.Field f = DockerSandboxRuntime.class.getDeclaredField("warm");
        f.setAccessible(true);
        return ((java.util.Collection<?>) f.get(rt)).size();
    }
}
