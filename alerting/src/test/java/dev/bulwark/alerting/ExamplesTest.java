package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.Examples;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiles and runs the examples of the README and the javadoc, and checks they are the same text. */
class ExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/alerting/ExamplesTest.java");

    @Test
    void theReadmeExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.readmeJava(Path.of("README.md")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "readme")));
    }

    @Test
    void theAlertEngineJavadocExampleIsTheCodeThisTestRuns() {
        Path source = Path.of("src/main/java/dev/bulwark/alerting/AlertEngine.java");
        assertThat(Examples.normalized(Examples.javadocCode(source).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc")));
    }

    @Test
    void readmeExampleRuns() {
        MetricRegistry metrics = new MetricRegistry();
        HealthCheckRegistry healthChecks = new HealthCheckRegistry();
        // region readme
        AlertEngine alerts = AlertEngine.builder(metrics)
            .settings(AlertingSettings.fromEnvironment())    // ALERT_* notifiers, intervals, retries
            .healthChecks(healthChecks)
            .rules(RulePack.dbPoolExhausted("bulwark").build(),
                   RulePack.backendDown("bulwark.pool.bulwark").build(),
                   RulePack.highErrorRate("bulwark.http.responses.5xx", "bulwark.http.requests").build(),
                   RulePack.highQueueDepth("orders.queue.depth", 1000).build(),
                   RulePack.diskSpaceLow(Path.of("/var/lib/app"), 10).build())
            .build();
        alerts.start();                                  // evaluates every 15 s on its own thread
        List<Alert> active = alerts.activeAlerts();      // GET /admin/alerts
        alerts.sendTestAlert();                          // one test notification through every notifier
        // endregion
        try {
            assertThat(active).isEmpty();
            assertThat(alerts.rules()).extracting(AlertRule::name).contains("DbPoolExhausted", "BackendDown");
        } finally {
            alerts.close();
        }
    }

    @Test
    void javadocExampleRuns() {
        MetricRegistry metrics = new MetricRegistry();
        HealthCheckRegistry health = new HealthCheckRegistry();
        byte[] secret = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
        // region javadoc
        AlertingSettings settings = AlertingSettings.builder()
            .notifier(new WebhookNotifier(URI.create("https://hooks.example/alerts"), secret))
            .build();
        AlertEngine alerts = AlertEngine.builder(metrics).settings(settings).healthChecks(health)
            .rules(RulePack.dbPoolExhausted("bulwark").build(), RulePack.backendDown("bulwark.pool.bulwark").build())
            .build();
        alerts.start();                       // evaluates every 15 s
        List<Alert> active = alerts.activeAlerts();
        // endregion
        try {
            assertThat(active).isEmpty();
            assertThat(settings.notifiers()).extracting(Notifier::name).containsExactly("webhook");
        } finally {
            alerts.close();
        }
    }
}
