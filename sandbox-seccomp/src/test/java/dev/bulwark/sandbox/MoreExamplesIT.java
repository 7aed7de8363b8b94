package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Examples;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/**
 * Runs the sandbox's other examples on the real engine (the README's builder block and the
 * {@link Sandbox} javadoc) and checks the documentation shows exactly this code.
 */
@RequiresService(Service.DOCKER)
class MoreExamplesIT {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/sandbox/MoreExamplesIT.java");

    @Test
    void theExamplesAreTheCodeTheseTestsRun() {
        assertThat(Examples.normalized(Examples.readmeJava(Path.of("README.md")).get(1)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "readme-builder")));
        assertThat(Examples.normalized(Examples.javadocCode(Path.of("src/main/java/dev/bulwark/sandbox/Sandbox.java")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-sandbox")));
    }

    @Test
    void theBuilderExampleUsesTheCallersRegistryAndThreads() {
        MetricRegistry metricRegistry = new MetricRegistry();
        List<String> threads = new CopyOnWriteArrayList<>();
        ThreadFactory threadFactory = r -> {
            Thread t = new Thread(r, "example-sandbox-" + threads.size());
            t.setDaemon(true);
            threads.add(t.getName());
            return t;
        };
        // region readme-builder
        SandboxSettings settings = SandboxSettings.builder()
                .memoryBytes(128L * 1024 * 1024).pids(32).timeout(Duration.ofSeconds(5)).warmPool(2)
                .build();
        Sandbox sandbox = Sandbox.builder(settings)
                .metrics(metricRegistry)          // bulwark.sandbox.* (below); default: a private registry
                .threadFactory(threadFactory)     // the runtime's threads; default: daemon "bulwark-sandbox"
                .build();                         // checks the engine and the image, reaps expired leases
        // endregion
        try (sandbox) {
            SandboxResult r = sandbox.run(SandboxRequest.python("print(6 * 7)", ""));
            assertThat(r.stdout()).isEqualTo("42\n");
            assertThat(metricRegistry.getNames()).anyMatch(n -> n.startsWith("bulwark.sandbox."));
            assertThat(threads).as("the runtime's threads came from the caller's factory").isNotEmpty();
        }
    }

    @Test
    void theSandboxJavadocExamplePrintsWhatItSays() {
        // region javadoc-sandbox
        String out;
        try (Sandbox sandbox = Sandbox.create(SandboxSettings.fromEnvironment())) {
            out = sandbox.run(SandboxRequest.python("print(sum(range(10)))", "")).stdout();   // "45\n"
        }
        // endregion
        assertThat(out).isEqualTo("45\n");
    }
}
