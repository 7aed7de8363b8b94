package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.Examples;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the javadoc examples that need no engine and checks the javadoc shows exactly this code. */
class JavadocExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/sandbox/JavadocExamplesTest.java");
    private static final Path MAIN = Path.of("src/main/java/dev/bulwark/sandbox");

    @Test
    void theJavadocExamplesAreTheCodeTheseTestsRun() {
        assertThat(Examples.normalized(Examples.javadocCode(MAIN.resolve("SeccompProfileBuilder.java")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-profile")));
        assertThat(Examples.normalized(Examples.javadocCode(MAIN.resolve("SandboxSettings.java")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-settings")));
    }

    @Test
    void theProfileExampleAllowsAndDeniesWhatItSays() {
        // region javadoc-profile
        SeccompProfile mine = SeccompProfile.strict().toBuilder()
            .allow("inotify_init1", "inotify_add_watch")
            .deny("clock_nanosleep")
            .build();
        // endregion
        assertThat(allowed(mine)).contains("inotify_init1", "inotify_add_watch").doesNotContain("clock_nanosleep");
        assertThat(allowed(SeccompProfile.strict())).doesNotContain("inotify_init1").contains("clock_nanosleep");
    }

    @Test
    void theSettingsExampleBuildsWhatItSays() {
        // region javadoc-settings
        SandboxSettings settings = SandboxSettings.builder()
            .memoryBytes(128L * 1024 * 1024).pids(32).timeout(Duration.ofSeconds(5))
            .build();
        // endregion
        assertThat(settings.memoryBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    private static List<String> allowed(SeccompProfile profile) {
        return profile.syscalls().stream().filter(r -> r.action().equals("SCMP_ACT_ALLOW") && r.args().isEmpty())
                .flatMap(r -> r.names().stream()).toList();
    }
}
