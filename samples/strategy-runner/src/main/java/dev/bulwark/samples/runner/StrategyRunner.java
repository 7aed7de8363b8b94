package dev.bulwark.samples.runner;

import dev.bulwark.sandbox.Sandbox;
import dev.bulwark.sandbox.SandboxException;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.sandbox.SandboxResult;
import dev.bulwark.sandbox.SandboxSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quickest way to see the sandbox work: runs a Python strategy file under the strict
 * profile with its data files, and prints the result.
 *
 * <pre>
 * java -jar samples/strategy-runner/target/bulwark-strategy-runner.jar strategy.py [data files...] [--stdin "5 20"]
 * </pre>
 * Exit status: the strategy's own exit code; 2 for bad arguments; 3 when no sandbox is available.
 */
public final class StrategyRunner {

    private StrategyRunner() {
    }

    /** @param args strategy file, data files, optional {@code --stdin <text>} */
    public static void main(String[] args) {
        System.exit(run(args, SandboxSettings.fromEnvironment(), System.out, System.err));
    }

    /**
     * Runs and reports.
     *
     * @param args command-line arguments
     * @param settings sandbox settings
     * @param out where the report goes
     * @param err where errors go
     * @return the process exit status
     */
    static int run(String[] args, SandboxSettings settings, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: strategy-runner <strategy.py> [data files...] [--stdin <text>]");
            return 2;
        }
        Path strategy = Path.of(args[0]);
        Map<String, byte[]> files = new LinkedHashMap<>();
        String stdin = "";
        try {
            files.put("strategy.py", Files.readAllBytes(strategy));
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("--stdin") && i + 1 < args.length) {
                    stdin = args[++i];
                } else {
                    Path data = Path.of(args[i]);
                    Path name = data.getFileName();
                    if (name == null) {
                        err.println("not a file: " + args[i]);
                        return 2;
                    }
                    files.put(name.toString(), Files.readAllBytes(data));
                }
            }
        } catch (IOException e) {
            err.println("cannot read " + e.getMessage());
            return 2;
        }
        try (Sandbox sandbox = Sandbox.create(settings)) {
            SandboxResult r = sandbox.run(new SandboxRequest(List.of("python3", "strategy.py"), files,
                    stdin.getBytes(StandardCharsets.UTF_8), null));
            out.println("exit code : " + r.exitCode() + (r.signal() > 0 ? " (signal " + r.signal() + ")" : ""));
            out.println("timed out : " + r.timedOut() + ", OOM killed: " + r.oomKilled() + ", took "
                    + r.duration().toMillis() + " ms");
            out.println("profile   : " + (settings.profile().defaultAction().equals("SCMP_ACT_ERRNO") ? "strict" : "custom")
                    + ", network none, read-only root, image " + settings.image());
            out.println("--- stdout" + (r.stdoutTruncated() ? " (truncated)" : "") + "\n" + r.stdout());
            out.println("--- stderr" + (r.stderrTruncated() ? " (truncated)" : "") + "\n" + r.stderr());
            return (int) Math.min(255, Math.max(0, r.exitCode()));
        } catch (SandboxException e) {
            err.println("no sandbox: " + e.getMessage());
            return 3;
        }
    }
}
