package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.Examples;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle every running Bulwark component shares: the builder returns it running
 * ({@link AlertEngine.Builder#start()}), {@code close()} stops it; {@code build()} stays the
 * manual mode, and {@code start()} / {@code close()} act once however often they are called.
 */
class AlertEngineLifecycleTest {

    private static final Path SELF = Path.of("src/test/java/dev/bulwark/alerting/AlertEngineLifecycleTest.java");
    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final HealthCheckRegistry healthChecks = new HealthCheckRegistry();

    /** Ten minutes between evaluations: none runs on its own during a test. */
    private AlertEngine.Builder slowEngine() {
        return AlertEngine.builder(new MetricRegistry())
                .settings(AlertingSettings.builder().evaluationInterval(Duration.ofMinutes(10)).build())
                .healthChecks(healthChecks).clock(clock);
    }

    private String health() {
        return healthChecks.runHealthCheck(AlertEngine.HEALTH_CHECK_NAME).getMessage();
    }

    @Test
    void theBuildersStartReturnsARunningEngine() {
        try (AlertEngine engine = slowEngine().start()) {
            assertThat(health()).as("started, not evaluated by its caller").doesNotContain("not started")
                    .contains("last evaluation at " + T0);
            assertThat(engine.activeAlerts()).isEmpty();
        }
    }

    @Test
    void buildStaysTheManualModeEvaluatedByItsCaller() {
        try (AlertEngine engine = slowEngine().build()) {
            assertThat(health()).contains("not started");
            engine.evaluate();
            assertThat(health()).contains("not started");
        }
    }

    @Test
    void aSecondStartDoesNothing() {
        try (AlertEngine engine = slowEngine().start()) {
            clock.advance(Duration.ofMinutes(5));

            engine.start();

            assertThat(health()).as("still the first start's time: not started again").contains("last evaluation at " + T0);
        }
    }

    @Test
    void startAfterCloseIsRefusedAndCloseTwiceIsHarmless() {
        AlertEngine engine = slowEngine().start();

        engine.close();
        engine.close();

        assertThat(healthChecks.getNames()).doesNotContain(AlertEngine.HEALTH_CHECK_NAME);
        assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void theStartedEngineEvaluatesOnItsOwnThread() {
        MetricRegistry metrics = new MetricRegistry();
        AlertingSettings settings = AlertingSettings.builder().evaluationInterval(Duration.ofMillis(100)).build();
        List<AlertRule> rules = List.of();
        // region javadoc-start
        AlertEngine alerts = AlertEngine.builder(metrics).settings(settings).rules(rules).start(); // close() at shutdown
        // endregion
        try {
            Poll.until(Duration.ofSeconds(20), "an evaluation on the engine's own thread",
                    () -> metrics.counter("bulwark.alerting.evaluations").getCount() > 0);
            assertThat(metrics.counter("bulwark.alerting.evaluations").getCount()).isPositive();
        } finally {
            alerts.close();
        }
    }

    @Test
    void theJavadocExampleIsTheCodeThisTestRuns() {
        String javadoc = Examples.javadocCode(Path.of("src/main/java/dev/bulwark/alerting/AlertEngine.java")).stream()
                .filter(c -> c.contains("rules(rules).start();")).findFirst().orElseThrow();

        assertThat(Examples.normalized(javadoc)).isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-start")));
    }
}
