package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The engine's own health check: registered like every module's, unhealthy when evaluation stops. */
class EngineHealthTest {

    @Test
    void unhealthyWhenNoEvaluationForThreeIntervalsAndRemovedOnClose() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
        HealthCheckRegistry healthChecks = new HealthCheckRegistry();
        AlertingSettings settings = AlertingSettings.builder().evaluationInterval(Duration.ofMinutes(10)).build();
        AlertEngine engine = AlertEngine.builder(new MetricRegistry()).settings(settings).healthChecks(healthChecks)
                .clock(clock).build();
        try {
            assertThat(healthChecks.getNames()).contains(AlertEngine.HEALTH_CHECK_NAME);
            assertThat(healthChecks.runHealthCheck("bulwark.alerting").getMessage()).contains("not started");
            engine.start(); // first scheduled evaluation in 10 real minutes: none during this test
            clock.advance(Duration.ofMinutes(29));
            assertThat(healthChecks.runHealthCheck("bulwark.alerting").isHealthy()).isTrue();
            clock.advance(Duration.ofMinutes(2));
            assertThat(healthChecks.runHealthCheck("bulwark.alerting").isHealthy()).as("31 min without evaluation").isFalse();
            engine.evaluate();
            assertThat(healthChecks.runHealthCheck("bulwark.alerting").isHealthy()).isTrue();
        } finally {
            engine.close();
        }
        assertThat(healthChecks.getNames()).doesNotContain(AlertEngine.HEALTH_CHECK_NAME);
    }
}
