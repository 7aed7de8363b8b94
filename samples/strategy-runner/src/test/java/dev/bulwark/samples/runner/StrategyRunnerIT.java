package dev.bulwark.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.sandbox.SandboxSettings;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresService(Service.DOCKER)
class StrategyRunnerIT {

    @TempDir
    Path dir;

    @Test
    void runsAStrategyWithItsDataAndPrintsTheResult() throws Exception {
        Path strategy = dir.resolve("mean.py");
        Files.writeString(strategy, "import sys\nprices = [float(x) for x in open('prices.txt').read().split()]\n"
                + "print('mean', sum(prices) / len(prices), sys.stdin.read())\n");
        Path prices = dir.resolve("prices.txt");
        Files.writeString(prices, "1 2 3 6");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = StrategyRunner.run(new String[] {strategy.toString(), prices.toString(), "--stdin", "ok"},
                SandboxSettings.defaults(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("exit code : 0", "profile   : strict", "mean 3.0 ok");
    }

    @Test
    void saysSoWhenThereIsNoEngine() throws Exception {
        Path strategy = dir.resolve("s.py");
        Files.writeString(strategy, "print(1)");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = StrategyRunner.run(new String[] {strategy.toString()},
                SandboxSettings.fromEnvironment(Map.of("SANDBOX_DOCKER_HOST", "unix:///nonexistent.sock")), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Docker engine unreachable");
    }

    @Test
    void badArgumentsExitWith2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(StrategyRunner.run(new String[0], SandboxSettings.defaults(), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage");
    }
}
