package dev.bulwark.sandbox;

import com.codahale.metrics.MetricRegistry;
import java.time.Duration;

/**
 * A JVM that starts a sandbox run and never ends it by itself: {@link LeaseIT} kills it with
 * SIGKILL mid-run. Arguments: owner label, {@code cold} or {@code warm}, run limit in seconds, and optionally
 * one of {@link #ATTACKS} the program runs first.
 */
final class LeaseChild {
    private LeaseChild() {
    }

    /**
     * What a hostile program does first to switch the in-container deadline off (review 2026-11-27
     * session 16, S1): stop its watchdog (the program's parent), or rewrite the watchdog's deadline
     * through {@code /proc/<ppid>/mem}, found by scanning the parent's writable memory for float
     * objects whose value is a monotonic time within the next minute (works on both paths).
     */
    static final java.util.Map<String, String> ATTACKS = java.util.Map.of(
            "sleep", "",
            "sigstop", String.join("\n",
                    "import os, signal",
                    "os.kill(os.getppid(), signal.SIGSTOP)",
                    "print('sent SIGSTOP to the watchdog', os.getppid(), flush=True)", ""),
            "mem", String.join("\n",
                    "import os, struct, time, re",
                    "t0 = time.monotonic()",
                    "def base(path):",
                    "    for l in open(path).read().splitlines():",
                    "        if 'python3' in l.split()[-1]:",
                    "            return int(l.split('-')[0], 16)",
                    "try:",
                    "    ppid = os.getppid()",
                    "    maps = open('/proc/%d/maps' % ppid).read().splitlines()",
                    "    pat = struct.pack('Q', id(float) - base('/proc/self/maps') + base('/proc/%d/maps' % ppid))",
                    "    hits = 0",
                    "    with open('/proc/%d/mem' % ppid, 'r+b', buffering=0) as m:",
                    "        for l in maps:",
                    "            p = l.split()",
                    "            lo, hi = (int(x, 16) for x in p[0].split('-'))",
                    "            if not p[1].startswith('rw') or hi - lo > (64 << 20):",
                    "                continue",
                    "            try:",
                    "                m.seek(lo); data = m.read(hi - lo)",
                    "            except OSError:",
                    "                continue",
                    "            for mt in re.finditer(re.escape(pat), data):",
                    "                off = mt.start()",
                    "                if off + 16 <= len(data) and t0 < struct.unpack_from('d', data, off + 8)[0] < t0 + 60:",
                    "                    v = struct.unpack_from('d', data, off + 8)[0]",
                    "                    m.seek(lo + off + 8); m.write(struct.pack('d', v + 3600)); hits += 1",
                    "    print('watchdog deadlines rewritten:', hits, flush=True)",
                    "except Exception as e:",
                    "    print('attack failed: %r' % e, flush=True)", ""));

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
        String attack = args.length > 3 ? ATTACKS.get(args[3]) : "";
        runtime.run(SandboxRequest.python(attack + "import time\nprint('started', flush=True)\ntime.sleep(600)", ""));
        System.out.println("the run ended while the JVM was alive: not expected");
    }
}
