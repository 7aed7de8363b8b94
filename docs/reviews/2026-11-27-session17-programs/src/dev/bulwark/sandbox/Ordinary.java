package dev.bulwark.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Review 2026-11-27c: ordinary programs through one runtime (JVM alive), cold or warm: exit codes, signals, KeyboardInterrupt, zombies. */
public final class Ordinary {
    public static void main(String[] a) throws Exception {
        boolean warm = a[0].equals("warm");
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32).timeout(Duration.ofSeconds(10))
                .outputLimitBytes(64 * 1024).warmPool(warm ? 1 : 0).build();
        DockerSandboxRuntime rt = DockerSandboxRuntime.builder(settings).owner("review-2026-11-27c-ordinary-" + ProcessHandle.current().pid()).build();
        rt.check();
        String zombies = String.join("\n", "import subprocess, os, time",
                "ps = [subprocess.Popen(['python3', '-S', '-c', 'pass']) for _ in range(3)]",
                "time.sleep(0.5)",
                "st = {p: open('/proc/%d/stat' % p).read().split()[2] for p in map(int, os.listdir('/proc')) if os.path.exists('/proc/%d/stat' % p) and p != os.getpid()} if False else None",
                "def state(p):",
                "    try: return open('/proc/%d/stat' % p).read().split()[2]",
                "    except OSError: return 'gone'",
                "print('own children not waited:', [state(p.pid) for p in ps])",
                "print('waited:', [p.wait() for p in ps])",
                "o = subprocess.run(['python3', '-S', '-c', 'import os, time\\nk = os.fork()\\nif k == 0:\\n    time.sleep(0.1); os._exit(0)\\nprint(k)'], capture_output=True, text=True).stdout.strip()",
                "time.sleep(0.6)",
                "print('orphan', o, 'after it ended:', state(int(o)), '(gone = reaped by PID 1)')",
                "print('pid', os.getpid(), 'ppid', os.getppid())");
        List<Object[]> cases = List.of(
                new Object[] {"exit 0", List.of("python3", "-c", "print('ok')")},
                new Object[] {"exit 3", List.of("python3", "-c", "import sys; sys.exit(3)")},
                new Object[] {"sys.exit(msg)", List.of("python3", "-c", "import sys; sys.exit('bye')")},
                new Object[] {"exception", List.of("python3", "-c", "1/0")},
                new Object[] {"SIGTERM self", List.of("python3", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)")},
                new Object[] {"SIGINT self (in-process)", List.of("python3", "-c", "import os, signal, time\ntry:\n    os.kill(os.getpid(), signal.SIGINT); time.sleep(1)\nexcept KeyboardInterrupt:\n    print('KeyboardInterrupt caught')\nos.kill(os.getpid(), signal.SIGINT); time.sleep(1)")},
                new Object[] {"SIGINT self (exec'ed)", List.of("python3", "-S", "-c", "import os, signal, time\ntry:\n    os.kill(os.getpid(), signal.SIGINT); time.sleep(1)\nexcept KeyboardInterrupt:\n    print('KeyboardInterrupt caught')\nos.kill(os.getpid(), signal.SIGINT); time.sleep(1)")},
                new Object[] {"exec'ed exit 7", List.of("python3", "-S", "-c", "raise SystemExit(7)")},
                new Object[] {"exec'ed SIGKILL self", List.of("python3", "-S", "-c", "import os; os.kill(os.getpid(), 9)")},
                new Object[] {"SIGCHLD to PID 1 + kill -1", List.of("python3", "-c", "import os, signal\nos.kill(1, signal.SIGCHLD)\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError as e:\n    print(e)\nprint('alive after kill(-1, SIGKILL)')")},
                new Object[] {"SIGPIPE in-process", List.of("python3", "-c", "import signal; print(signal.getsignal(signal.SIGPIPE), signal.getsignal(signal.SIGINT))")},
                new Object[] {"zombies", List.of("python3", "-c", zombies)},
                new Object[] {"zombies (exec'ed)", List.of("python3", "-S", "-c", zombies)},
                new Object[] {"missing cmd", List.of("nosuchcmd")},
                new Object[] {"timeout", List.of("python3", "-c", "import time; time.sleep(60)")});
        try (Sandbox box = Sandbox.builder(settings).runtime(rt).build()) {
            for (Object[] c : cases) {
                @SuppressWarnings("unchecked")
                List<String> cmd = (List<String>) c[1];
                Duration lim = c[0].equals("timeout") ? Duration.ofSeconds(2) : Duration.ofSeconds(10);
                if (warm) {
                    long until = System.nanoTime() + 30_000_000_000L;
                    while (System.nanoTime() < until && readyWarm(rt) < 1) {
                        Thread.sleep(50);
                    }
                }
                SandboxResult r = box.run(new SandboxRequest(cmd, Map.of(), "".getBytes(StandardCharsets.UTF_8), lim));
                System.out.printf("== %-26s exit=%d signal=%d timedOut=%s%n", c[0], r.exitCode(), r.signal(), r.timedOut());
                if (!r.stdout().isBlank()) System.out.println("   out: " + r.stdout().strip().replace("\n", "\n        "));
                if (!r.stderr().isBlank()) System.out.println("   err: " + r.stderr().strip().replace("\n", "\n        "));
            }
        }
        System.exit(0);
    }

    private static int readyWarm(DockerSandboxRuntime rt) throws Exception {
        java.lang.reflect.Field f = DockerSandboxRuntime.class.getDeclaredField("warm");
        f.setAccessible(true);
        return ((java.util.Collection<?>) f.get(rt)).size();
    }
}
