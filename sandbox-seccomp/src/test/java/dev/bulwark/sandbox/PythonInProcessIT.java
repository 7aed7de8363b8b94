package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Python program runs in the interpreter that already runs the in-container deadline (normal
 * path) or the warm bootstrap (warm path): one interpreter per run, not two. On both paths it sees
 * what a plain {@code python3} would: its argv, stdin, input files, exit status, {@code __main__},
 * and python3's own flags (site imported, environment read).
 */
@RequiresService(Service.DOCKER)
class PythonInProcessIT {

    private static final String OWNER = "python-in-process-it-" + java.util.UUID.randomUUID();

    /** Prints what the program sees; {@code one-interpreter} when its process is the wrapper's fork. */
    private static final String PROBE = String.join("\n",
            "import sys, __main__",
            "cmd = open('/proc/self/cmdline', 'rb').read().split(b'\\0')",
            "print(sys.argv, repr(sys.stdin.read()), open('data.txt').read() if len(sys.argv) > 1 and sys.argv[0] != '-c' else '-',",
            "      __name__, __main__.__dict__ is globals(), sys.flags.no_site, sys.flags.ignore_environment,",
            "      'one-interpreter' if cmd[1] == b'-c' and b'_signal' in cmd[2] else 'second-interpreter')",
            "sys.exit(3)");

    @ParameterizedTest
    @ValueSource(strings = {"normal", "warm"})
    void aPythonProgramRunsInTheWrappersInterpreterAndSeesWhatPlainPython3Would(String path) throws Exception {
        boolean warm = path.equals("warm");
        SandboxSettings settings = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
                .timeout(Duration.ofSeconds(20)).outputLimitBytes(64 * 1024).warmPool(warm ? 2 : 0).maxConcurrent(2).build();
        MetricRegistry metrics = new MetricRegistry();
        try (Sandbox sandbox = Sandbox.builder(settings).metrics(metrics)
                .runtime(DockerSandboxRuntime.builder(settings).metrics(metrics).owner(OWNER).build()).build()) {
            if (warm) {
                Poll.until(Duration.ofSeconds(30), "two warm containers", () -> WarmPoolIT.warmReady(metrics) == 2);
            }
            SandboxResult script = sandbox.run(new SandboxRequest(List.of("python3", "main.py", "a b", "\u00e9"),
                    Map.of("main.py", PROBE.getBytes(StandardCharsets.UTF_8), "data.txt", "file".getBytes(StandardCharsets.UTF_8)),
                    "in".getBytes(StandardCharsets.UTF_8), null));
            assertThat(script.exitCode()).as(script.stderr()).isEqualTo(3);
            assertThat(script.stdout()).isEqualTo("['main.py', 'a b', '\u00e9'] 'in' file __main__ True 0 0 one-interpreter\n");

            SandboxResult inline = sandbox.run(new SandboxRequest(List.of("python3", "-c", PROBE, "-x"), Map.of(),
                    "stdin".getBytes(StandardCharsets.UTF_8), null));
            assertThat(inline.exitCode()).as(inline.stderr()).isEqualTo(3);
            assertThat(inline.stdout()).isEqualTo("['-c', '-x'] 'stdin' - __main__ True 0 0 one-interpreter\n");

            // with interpreter flags the command is exec'ed as it is: the flags are the program's
            SandboxResult flagged = sandbox.run(new SandboxRequest(List.of("python3", "-S", "-c", PROBE), Map.of(), null, null));
            assertThat(flagged.exitCode()).as(flagged.stderr()).isEqualTo(3);
            assertThat(flagged.stdout()).isEqualTo("['-c'] '' - __main__ True 1 0 second-interpreter\n");

            // review 2026-11-27 (session 16), S2: a user's pkgutil.py beside the script is not what runpy
            // imports, and a missing script is python3's "can't open file", exit 2
            SandboxResult shadow = sandbox.run(new SandboxRequest(List.of("python3", "main.py"),
                    Map.of("main.py", "print('hello')".getBytes(StandardCharsets.UTF_8),
                            "pkgutil.py", "raise SystemExit('user pkgutil imported')".getBytes(StandardCharsets.UTF_8)), null, null));
            assertThat(shadow.exitCode()).as(shadow.stderr()).isZero();
            assertThat(shadow.stdout()).isEqualTo("hello\n");
            SandboxResult noScript = sandbox.run(new SandboxRequest(List.of("python3", "absent.py"), Map.of(), null, null));
            assertThat(noScript.exitCode()).isEqualTo(2);
            assertThat(noScript.stderr()).contains("can't open file").contains("absent.py");

            SandboxResult missing = sandbox.run(new SandboxRequest(List.of("no-such-program"), Map.of(), null, null));
            assertThat(missing.exitCode()).isEqualTo(127);
            assertThat(missing.stderr()).contains("bulwark sandbox: cannot run no-such-program");
        }
    }
}
