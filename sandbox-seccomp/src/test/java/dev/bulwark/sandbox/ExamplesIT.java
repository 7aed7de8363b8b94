package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.Examples;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Runs the README's example on the real engine and checks the README shows exactly this code. */
@RequiresService(Service.DOCKER)
class ExamplesIT {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/sandbox/ExamplesIT.java");

    @Test
    void theReadmeExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.readmeJava(Path.of("README.md")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "readme")));
    }

    private final AtomicReference<String> output = new AtomicReference<>();

    private void handle(String json) {
        output.set(json);
    }

    @Test
    void readmeExampleRunsAStrategyOnItsFile() {
        String strategyCode = "import sys\nrows = open('prices.csv').read().split()\n"
                + "print('{\"rows\": %d, \"args\": \"%s\"}' % (len(rows), sys.stdin.read().strip()))\n";
        byte[] csvBytes = "1.0\n2.0\n3.0\n".getBytes(StandardCharsets.UTF_8);
        // region readme
        try (Sandbox sandbox = Sandbox.create(SandboxSettings.fromEnvironment())) {   // checks engine + image
            SandboxRequest request = SandboxRequest.python(strategyCode, "5 20")      // code → /work/main.py, stdin
                    .withFile("prices.csv", csvBytes);                               // copied in, never bind-mounted
            SandboxResult r = sandbox.run(request);
            if (r.timedOut() || r.oomKilled()) { /* refuse the strategy */ }
            String json = r.stdout();                                                 // capped, r.stdoutTruncated()
            handle(json);                                                             // your code: use the result
        } catch (SandboxBusyException e) { /* all slots and queue places taken: 503 */ }
        // endregion
        assertThat(output.get()).contains("\"rows\": 3").contains("\"args\": \"5 20\"");
    }
}
