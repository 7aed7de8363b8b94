package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.Examples;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the {@link InhibitRule} javadoc example and checks the javadoc shows exactly this code. */
class InhibitRuleExampleTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/alerting/InhibitRuleExampleTest.java");

    @Test
    void theJavadocExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.javadocCode(Path.of("src/main/java/dev/bulwark/alerting/InhibitRule.java"))
                .get(0))).isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-inhibit")));
    }

    @Test
    void theExampleMutesThePoolAlertOfTheSameInstanceOnly() {
        // region javadoc-inhibit
        InhibitRule rule = new InhibitRule(Map.of("alertname", "BackendDown"),
            Map.of("alertname", "DbPoolExhausted"), List.of("instance"));
        // endregion
        Map<String, String> down = Map.of("alertname", "BackendDown", "instance", "a:8080");
        assertThat(rule.mutes(down, Map.of("alertname", "DbPoolExhausted", "instance", "a:8080"))).isTrue();
        assertThat(rule.mutes(down, Map.of("alertname", "DbPoolExhausted", "instance", "b:8080"))).isFalse();
        assertThat(rule.mutes(down, Map.of("alertname", "HighErrorRate", "instance", "a:8080"))).isFalse();
    }
}
