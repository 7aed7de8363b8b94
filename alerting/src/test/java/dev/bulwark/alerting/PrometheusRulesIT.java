package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Prometheus rule file passes promtool's check and its unit tests, and ships in the jar. */
@RequiresService(Service.PROMTOOL)
class PrometheusRulesIT {

    static final Path DIR = Path.of("monitoring");

    static String promtool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void ruleFileIsValid() throws Exception {
        assertThat(promtool("check", "rules", "alerting_rules.yml")).contains("SUCCESS: 13 rules found");
    }

    @Test
    void everyRuleHasASummaryADescriptionARunbookAndNoHardCodedJob() throws Exception {
        String file = Files.readString(DIR.resolve("alerting_rules.yml"));
        String[] rules = file.split("\n\\s*- alert: ");
        assertThat(rules).hasSize(14);
        for (int i = 1; i < rules.length; i++) {
            String rule = rules[i];
            String name = rule.lines().findFirst().orElseThrow();
            assertThat(rule).as(name).contains("summary: ", "description: ", "runbook_url: \"https://");
            assertThat(rule).as(name).doesNotContain("job=");
            String anchor = rule.replaceAll("(?s).*runbook_url: \"[^#]*#([a-z]+)\".*", "$1");
            assertThat(Files.readString(Path.of("RUNBOOK.md"))).as(name + " runbook").contains("## " + anchor);
        }
        assertThat(file).contains("- alert: Watchdog\n        expr: vector(1)").contains("absent(");
    }

    @Test
    void ruleUnitTestsPass() throws Exception {
        assertThat(promtool("test", "rules", "alerting_rules_test.yml")).contains("SUCCESS");
    }

    @Test
    void theSameFileIsShippedAsAResource() throws Exception {
        try (InputStream in = AlertEngine.class.getResourceAsStream("alerting_rules.yml")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(DIR.resolve("alerting_rules.yml")));
        }
    }
}
