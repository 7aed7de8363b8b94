package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.Examples;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the {@link AlertRule} javadoc example and checks the javadoc shows exactly this code. */
class JavadocExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/alerting/JavadocExamplesTest.java");

    @Test
    void theJavadocExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.javadocCode(Path.of("src/main/java/dev/bulwark/alerting/AlertRule.java"))
                .get(0))).isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-rule")));
    }

    @Test
    void theRuleExampleBuildsWhatItSays() {
        // region javadoc-rule
        AlertRule rule = AlertRule.builder("HighErrorRate")
            .signal(Signals.ratio("http.responses.5xx", "http.requests", Duration.ofMinutes(5), 100))
            .above(0.05).forDuration(Duration.ofMinutes(5)).severity(Severity.CRITICAL)
            .summary("5xx ratio {{value}} above {{threshold}}").build();
        // endregion
        assertThat(rule.holds(0.06)).isTrue();
        assertThat(rule.holds(0.05)).isFalse();
        assertThat(rule.forDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(rule.labels()).containsEntry("alertname", "HighErrorRate").containsEntry("severity", "critical");
        assertThat(rule.render(0.125).get("summary")).isEqualTo("5xx ratio 0.125 above 0.05");
    }
}
