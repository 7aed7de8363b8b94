package dev.bulwark.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Review 2026-11-27: hostile programs against the wip-s raw hot path. Usage: SandboxAttack <scenario> [raw|java] */
public final class SandboxAttack {
    static final String OWNER = "review-2026-11-27-" + java.util.UUID.randomUUID();

    public static void main(String[] a) throws Exception {
        String scenario = a[0];
        boolean java = a.length > 1 && a[1].equals("java");
        boolean warmPool = a.length > 2 && a[2].equals("warm");
        SandboxSettings.Builder sb = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
                .timeout(Duration.ofSeconds(3)).outputLimitBytes(64 * 1024);
        if (System.getenv("REVIEW_DOCKER_HOST") != null) {
            sb.dockerHost(System.getenv("REVIEW_DOCKER_HOST"));
        }
        if (System.getenv("REVIEW_RUNTIME") != null) {
            sb.runtime(System.getenv("REVIEW_RUNTIME"));
        }
        if (warmPool) {
            sb.warmPool(1).maxConcurrent(2);
        }
        SandboxSettings settings = sb.build();
        DockerSandboxRuntime.Builder rb = DockerSandboxRuntime.builder(settings).owner(OWNER);
        if (java) {
            rb.dockerJavaOnly();
        }
        DockerSandboxRuntime rt = rb.build();
        Sandbox box = Sandbox.builder(settings).runtime(rt).build();
        System.out.println("owner=" + OWNER + " raw=" + rt.rawHotPath());
        if (warmPool) {
            long until = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < until && box.healthCheck() != null) {
                Thread.onSpinWait();
                Thread.sleep(200); // review program only: wait for the pool
                break;
            }
            Thread.sleep(8000);
        }
        if (scenario.equals("closeRace")) {
            // runs in flight on 3 threads, close() 700 ms later, then a run after close; list what is left
            java.util.List<Thread> ts = new java.util.ArrayList<>();
            java.util.List<String> results = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                int k = i;
                Thread t = new Thread(() -> {
                    try {
                        SandboxResult res = box.run(SandboxRequest.python("import time; time.sleep(1.5); print('done')", "")
                                .withTimeout(Duration.ofSeconds(10)));
                        results.add(k + ": exit=" + res.exitCode() + " out=" + res.stdout().strip());
                    } catch (RuntimeException e) {
                        results.add(k + ": threw " + e);
                    }
                });
                t.start();
                ts.add(t);
            }
            Thread.sleep(700);
            long c0 = System.nanoTime();
            box.close();
            System.out.println("close() returned after " + (System.nanoTime() - c0) / 1_000_000 + " ms");
            for (Thread t : ts) {
                t.join();
            }
            results.forEach(x -> System.out.println("  run " + x));
            try {
                box.run(SandboxRequest.python("print(1)", ""));
                System.out.println("  run after close: ALLOWED");
            } catch (RuntimeException e) {
                System.out.println("  run after close: " + e.getMessage());
            }
            Thread.sleep(3000);
            Process ps = new ProcessBuilder("docker", "ps", "-a", "--filter", "label=dev.bulwark.sandbox.owner=" + OWNER,
                    "--format", "{{.ID}} {{.Status}}").redirectErrorStream(true).start();
            String left = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            Process pv = new ProcessBuilder("docker", "volume", "ls", "-q", "--filter", "label=dev.bulwark.sandbox.owner=" + OWNER)
                    .redirectErrorStream(true).start();
            String vols = new String(pv.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            System.out.println("  containers left 3 s after: [" + left + "] volumes left: [" + vols + "]");
            return;
        }
        Runtime r = Runtime.getRuntime();
        try {
            SandboxRequest req = switch (scenario) {
                case "flood" -> SandboxRequest.python("import os\nwhile True: os.write(1, b'x'*65536)", "")
                        .withTimeout(Duration.ofSeconds(2));
                case "closeAndSleep" -> SandboxRequest.python("import os,time\nos.close(1)\nos.close(2)\ntime.sleep(600)", "")
                        .withTimeout(Duration.ofSeconds(2));
                case "daemon" -> SandboxRequest.python(String.join("\n", "import os,time",
                        "if os.fork()==0:", "  os.setsid()", "  if os.fork()==0:", "    time.sleep(600)", "  os._exit(0)",
                        "print('parent exits')"), "").withTimeout(Duration.ofSeconds(2));
                case "daemonHoldsStdout" -> SandboxRequest.python(String.join("\n", "import os,time,signal",
                        "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
                        "if os.fork()==0:", "  os.setsid()", "  time.sleep(600)",
                        "print('parent exits', flush=True)", "os._exit(0)"), "").withTimeout(Duration.ofSeconds(2));
                case "echoBig" -> new SandboxRequest(List.of("python3", "-c", "import os\nwhile True:\n  b = os.read(0, 65536)\n  if not b: break\n  os.write(1, b)\nos.write(2, b'eof')"), Map.of(), new byte[8 * 1024 * 1024],
                        Duration.ofSeconds(20));
                case "echoBigNoRead" -> new SandboxRequest(List.of("python3", "-c",
                        "import os\nwhile True: os.write(1, b'y'*65536)"), Map.of(), new byte[16 * 1024],
                        Duration.ofSeconds(2));
                case "slowRead" -> new SandboxRequest(List.of("python3", "-c",
                        "import os,time\nwhile True:\n  os.read(0,1); time.sleep(0.1)"), Map.of(), new byte[4 * 1024 * 1024],
                        Duration.ofSeconds(2));
                case "surrogate" -> SandboxRequest.python("print(len('\uD800x'))", "");
                case "nul" -> new SandboxRequest(List.of("python3", "-c", "import sys; print(repr(sys.argv))", "a\u0000b"), Map.of(),
                        new byte[0], null);
                case "mounts" -> SandboxRequest.python("import os\nprint([l for l in open('/proc/self/mountinfo') if ' /work ' in l])\ntry:\n  open('/work/x','w').write('x'); print('WROTE /work/x')\nexcept Exception as e: print('write refused', e)", "");
                case "ticker" -> SandboxRequest.python("import time\nt=time.monotonic()\nwhile True:\n  print(round(time.monotonic()-t,2), flush=True); time.sleep(0.05)", "")
                        .withTimeout(Duration.ofMillis(Long.parseLong(a[3])));
                case "oom" -> SandboxRequest.python("x = []\nwhile True: x.append(bytearray(8 << 20))", "");
                case "sleep" -> SandboxRequest.python("import time; time.sleep(5)", "").withTimeout(Duration.ofSeconds(8));
                case "exitAtDeadline" -> SandboxRequest.python("import time; time.sleep(" + a[3] + ")", "")
                        .withTimeout(Duration.ofSeconds(2));
                default -> throw new IllegalArgumentException(scenario);
            };
            long t0 = System.nanoTime();
            SandboxResult res = box.run(req);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("scenario=%s path=%s took=%dms exit=%d timedOut=%s oom=%s outBytes=%d errBytes=%d outLen=%d"
                    + " outTrunc=%s heapUsed=%dMiB%n  stdout=%s%n  stderr=%s%n", scenario, java ? "docker-java" : "raw", ms,
                    res.exitCode(), res.timedOut(), res.oomKilled(), res.stdoutBytes(), res.stderrBytes(),
                    res.stdout().length(), res.stdoutTruncated(), (r.totalMemory() - r.freeMemory()) >> 20,
                    scenario.equals("ticker") ? "last tick " + res.stdout().strip().replaceAll("(?s).*\n", "") + " s, duration " + res.duration().toMillis() + " ms" : abbreviate(res.stdout()), abbreviate(res.stderr()));
            long stuck = Thread.getAllStackTraces().entrySet().stream().filter(en -> Arrays.stream(en.getValue())
                    .anyMatch(f -> f.getMethodName().equals("memoryPeak"))).count();
            System.out.println("  threads still inside EngineClient.memoryPeak after run() returned: " + stuck);
        } catch (RuntimeException e) {
            System.out.println("scenario=" + scenario + " threw " + e);
        } finally {
            box.close();
        }
    }

    static String abbreviate(String s) {
        s = s.replace("\n", "\\n");
        return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + ")" : s;
    }
}
