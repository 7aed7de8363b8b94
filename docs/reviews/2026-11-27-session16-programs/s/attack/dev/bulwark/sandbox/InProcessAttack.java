package dev.bulwark.sandbox;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Review 2026-11-27b (main 9fe01cf): the normal run's Python program in the watchdog's interpreter.
 * Usage:
 *   dump DIR                         writes the wrapper texts (deadline-wrapper.py, warm-bootstrap.py)
 *   create LIMIT_MS CMD...           creates (does not start) a container exactly as a normal run would
 *                                    (every limit, profile, the wrapped command), prints its id
 *   run [warm] SCENARIO               runs scenarios through Sandbox.run (cold unless warm)
 */
public final class InProcessAttack {
    static final String OWNER = "review-2026-11-27b-" + java.util.UUID.randomUUID();

    public static void main(String[] a) throws Exception {
        if (a[0].equals("dump")) {
            Path d = Path.of(a[1]);
            Files.writeString(d.resolve("deadline-wrapper.py"), DockerSandboxRuntime.DEADLINE_WRAPPER + "\n");
            Files.writeString(d.resolve("warm-bootstrap.py"), DockerSandboxRuntime.WARM_BOOTSTRAP + "\n");
            return;
        }
        boolean warm = a[0].equals("run") && a.length > 1 && a[1].equals("warm");
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
                .timeout(Duration.ofSeconds(10)).outputLimitBytes(64 * 1024).warmPool(warm ? 1 : 0).maxConcurrent(2).build();
        DockerSandboxRuntime rt = DockerSandboxRuntime.builder(settings).owner(OWNER).build();
        if (a[0].equals("create")) {
            Duration limit = Duration.ofMillis(Long.parseLong(a[1]));
            List<String> cmd = Arrays.asList(a).subList(2, a.length);
            Method m = DockerSandboxRuntime.class.getDeclaredMethod("create", List.class, String.class, String.class,
                    Duration.class, Duration.class, boolean.class);
            m.setAccessible(true);
            String id = (String) m.invoke(rt, cmd, "/work", null, limit, limit, true);
            System.out.println(id);
            System.exit(0); // leave the container to the caller (started with docker start -a, removed by it)
        }
        try (Sandbox box = Sandbox.builder(settings).runtime(rt).build()) {
            if (warm) {
                long until = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < until && WarmPoolIT_ready(rt) < 1) {
                    Thread.sleep(200); // review program only: wait for the warm container
                }
            }
            String scenario = a[warm ? 2 : 1];
            switch (scenario) {
                case "missing": // a script that does not exist: in-process vs exec'ed plain python3
                    show(box, "in-process python3 nosuch.py", List.of("python3", "nosuch.py"), Map.of());
                    show(box, "exec'ed    python3 -X utf8 nosuch.py", List.of("python3", "-X", "utf8", "nosuch.py"), Map.of());
                    break;
                case "file": {
                    Map<String, byte[]> f = Map.of("main.py", "import sys\nprint(repr(__file__), repr(sys.path[0]), sys.argv)\n"
                            .getBytes(StandardCharsets.UTF_8));
                    show(box, "in-process", List.of("python3", "main.py"), f);
                    show(box, "exec'ed   ", List.of("python3", "-X", "utf8", "main.py"), f);
                    break;
                }
                case "shadow": { // a user module named like one runpy imports, never imported by the program
                    Map<String, byte[]> f = new LinkedHashMap<>();
                    f.put("main.py", "print('hello from main.py')\n".getBytes(StandardCharsets.UTF_8));
                    f.put("pkgutil.py", "raise SystemExit('the user\\'s pkgutil.py was imported although main.py never imports it')\n"
                            .getBytes(StandardCharsets.UTF_8));
                    show(box, "in-process", List.of("python3", "main.py"), f);
                    show(box, "exec'ed   ", List.of("python3", "-X", "utf8", "main.py"), f);
                    break;
                }
                case "traceback": {
                    Map<String, byte[]> f = Map.of("main.py", "x = 1\n1 / 0\n".getBytes(StandardCharsets.UTF_8));
                    show(box, "in-process", List.of("python3", "main.py"), f);
                    show(box, "exec'ed   ", List.of("python3", "-X", "utf8", "main.py"), f);
                    show(box, "in-process -c", List.of("python3", "-c", "1/0"), Map.of());
                    show(box, "exec'ed    -c", List.of("python3", "-X", "utf8", "-c", "1/0"), Map.of());
                    break;
                }
                case "odd": // odd commands
                    for (List<String> c : List.of(List.of("python3", "-c"), List.of("python3", "-"), List.of("python3", "-m", "nosuchmod"),
                            List.of("python3", "-c", "import sys; print(sys.argv)", "--", "-S"), List.of("python3", "--version"),
                            List.of("python3", "-c", "import sys; print(sys.flags.no_site, sys.flags.ignore_environment)"))) {
                        show(box, String.valueOf(c), c, Map.of());
                    }
                    break;
                case "pyc": { // can a run leave byte code for a later run?
                    String w = String.join("\n", "import os, sys, json",
                            "print('json from', json.__cached__, os.path.exists(json.__cached__))",
                            "for d in ['/usr/lib/python3.11/__pycache__', '/usr/lib/python3.11', '/work', '/tmp', '/dev/shm', '/tmp/.local']:",
                            "    try:",
                            "        os.makedirs(d, exist_ok=True)",
                            "        open(os.path.join(d, 'evil.cpython-311.pyc'), 'wb').write(b'x')",
                            "        print('wrote', d)",
                            "    except OSError as e:",
                            "        print('refused', d, e.strerror)");
                    show(box, "first run", List.of("python3", "-c", w), Map.of());
                    show(box, "second run", List.of("python3", "-c", "import os\nfor d in ['/usr/lib/python3.11/__pycache__', '/tmp', '/dev/shm']:\n    print(d, [n for n in os.listdir(d) if 'evil' in n])"), Map.of());
                    break;
                }
                default:
                    throw new IllegalArgumentException(scenario);
            }
        }
    }

    private static int WarmPoolIT_ready(DockerSandboxRuntime rt) throws Exception {
        java.lang.reflect.Field f = DockerSandboxRuntime.class.getDeclaredField("warm");
        f.setAccessible(true);
        return ((java.util.Collection<?>) f.get(rt)).size();
    }

    private static void show(Sandbox box, String label, List<String> cmd, Map<String, byte[]> files) {
        SandboxResult r = box.run(new SandboxRequest(cmd, files, null, Duration.ofSeconds(10)));
        System.out.println("== " + label + ": exit=" + r.exitCode() + " timedOut=" + r.timedOut());
        if (!r.stdout().isEmpty()) {
            System.out.println("  stdout: " + r.stdout().strip().replace("\n", "\n          "));
        }
        if (!r.stderr().isEmpty()) {
            System.out.println("  stderr: " + r.stderr().strip().replace("\n", "\n          "));
        }
    }
}
