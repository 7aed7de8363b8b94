package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Watchdog always fires, per instance; the test alert resolves itself. */
class WatchdogAndTestAlertTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    final RecordingNotifier memory = new RecordingNotifier("memory");

    AlertEngine engine() {
        return AlertEngine.builder(new MetricRegistry()).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(memory).build())
                .rules(RulePack.watchdog().build()).build();
    }

    @Test
    void theWatchdogFiresAtOnceAndKeepsFiring() {
        try (AlertEngine engine = engine()) {
            assertThat(engine.evaluate()).singleElement().satisfies(n -> {
                assertThat(n.kind()).isEqualTo(Notification.Kind.FIRING);
                assertThat(n.alert().labels()).containsEntry("alertname", "Watchdog").containsEntry("instance", "pod-a")
                        .containsEntry("severity", "info");
                assertThat(n.alert().annotations().get("summary")).isEqualTo("Alerting pipeline of pod-a is alive (always firing)");
            });
            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofHours(1));
                assertThat(engine.evaluate()).noneMatch(n -> n.kind() == Notification.Kind.RESOLVED);
            }
            assertThat(engine.activeAlerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
        }
    }

    @Test
    void theTestAlertResolvesItselfAtTheNextEvaluation() {
        try (AlertEngine engine = AlertEngine.builder(new MetricRegistry()).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(memory).build()).build()) {
            assertThat(engine.sendTestAlert()).isEqualTo(1);
            Poll.until(Duration.ofSeconds(5), "test alert delivered", () -> memory.got.size() == 1);
            assertThat(memory.got.get(0).alert().annotations()).as("no silence bypassed")
                    .doesNotContainKey(AlertEngine.TEST_ALERT_SILENCES);
            engine.evaluate();
            assertThat(memory.got).hasSize(1);

            clock.advance(AlertingSettings.DEFAULT_EVALUATION_INTERVAL);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "its resolve delivered", () -> memory.got.size() == 2);
            assertThat(memory.got).extracting(n -> n.alert().name() + "/" + n.kind())
                    .containsExactly("BulwarkTestAlert/TEST", "BulwarkTestAlert/RESOLVED");
            assertThat(memory.got.get(1).alert().fingerprint()).isEqualTo(memory.got.get(0).alert().fingerprint());
            assertThat(memory.got.get(1).alert().resolvedAt()).isEqualTo(clock.instant());
            clock.advance(Duration.ofMinutes(5));
            engine.evaluate();
            assertThat(memory.got).hasSize(2);
        }
    }

    @Test
    void aSecondTestAlertWithinTheMinimumIntervalIsRefusedWithWhenTheNextIsAllowed() {
        try (AlertEngine engine = AlertEngine.builder(new MetricRegistry()).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(memory).build()).build()) {
            assertThat(engine.sendTestAlert()).isEqualTo(1);
            delivered(1); // (queued notifications of one alert coalesce: each is awaited before the next)
            clock.advance(Duration.ofSeconds(20));
            assertThatThrownBy(engine::sendTestAlert).isInstanceOfSatisfying(TestAlertTooSoonException.class, e -> {
                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(40));
                assertThat(e.retryAfterSeconds()).isEqualTo(40);
                assertThat(e.getMessage()).contains("ALERT_TEST_MIN_INTERVAL_SECONDS", "60 s", "in 40 s");
            });
            for (int i = 0; i < 50; i++) { // a loop: none of it reaches on-call
                assertThatThrownBy(engine::sendTestAlert).isInstanceOf(TestAlertTooSoonException.class);
            }
            clock.advance(Duration.ofSeconds(40));
            assertThat(engine.sendTestAlert()).as("allowed again after the interval").isEqualTo(1);
            delivered(2);
            clock.advance(Duration.ofHours(-1)); // an NTP step back: not refused for an hour and a minute
            assertThat(engine.sendTestAlert()).isEqualTo(1);
            delivered(3);
            assertThatThrownBy(engine::sendTestAlert).as("counted from the stepped clock on")
                    .isInstanceOfSatisfying(TestAlertTooSoonException.class,
                            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(60)));
            assertThat(memory.got).filteredOn(n -> n.kind() == Notification.Kind.TEST).hasSize(3);
        }
    }

    private void delivered(int tests) {
        Poll.until(Duration.ofSeconds(5), tests + " test alert(s) delivered",
                () -> memory.got.stream().filter(n -> n.kind() == Notification.Kind.TEST).count() == tests);
    }

    @Test
    void aZeroMinimumIntervalAllowsEveryTestAlertAndOutOfRangeValuesAreRefused() {
        try (AlertEngine engine = AlertEngine.builder(new MetricRegistry()).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(memory)
                        .testAlertMinInterval(Duration.ZERO).build()).build()) {
            assertThat(engine.sendTestAlert()).isEqualTo(1);
            assertThat(engine.sendTestAlert()).isEqualTo(1);
        }
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(java.util.Map.of("ALERT_TEST_MIN_INTERVAL_SECONDS", "7200")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("testAlertMinInterval (ALERT_TEST_MIN_INTERVAL_SECONDS)").hasMessageContaining("3600 s");
        assertThat(AlertingSettings.fromEnvironment(java.util.Map.of("ALERT_TEST_MIN_INTERVAL_SECONDS", "5"))
                .testAlertMinInterval()).isEqualTo(Duration.ofSeconds(5));
    }
}
