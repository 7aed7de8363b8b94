package dev.bulwark.alerting;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The state machine with a fake clock: grace period, flapping, repeat, resolve, errors. */
class AlertEngineTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final MetricRegistry metrics = new MetricRegistry();
    final HealthCheckRegistry health = new HealthCheckRegistry();
    final AtomicReference<Object> depth = new AtomicReference<>(0);
    AlertEngine engine;

    AlertEngineTest() {
        metrics.register("queue.depth", (Gauge<Object>) depth::get);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    AlertEngine engine(AlertRule... rules) {
        engine = AlertEngine.builder(metrics).healthChecks(health).clock(clock).rules(rules)
                .settings(AlertingSettings.builder().repeatInterval(Duration.ofHours(1)).build()).build();
        return engine;
    }

    AlertRule queueRule(Duration forDuration, Duration keepFiringFor) {
        return AlertRule.builder("HighQueueDepth").signal(Signals.gauge("queue.depth")).above(100)
                .forDuration(forDuration).keepFiringFor(keepFiringFor).label("queue", "orders")
                .summary("depth {{value}} above {{threshold}} on {{labels.queue}}").build();
    }

    static List<Notification.Kind> kinds(List<Notification> ns) {
        return ns.stream().map(Notification::kind).toList();
    }

    @Test
    void firesOnlyAfterTheGracePeriod() {
        AlertEngine e = engine(queueRule(Duration.ofMinutes(2), Duration.ZERO));
        depth.set(150);

        assertThat(e.evaluate()).isEmpty();
        assertThat(e.activeAlerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.PENDING);
        clock.advance(Duration.ofMinutes(1));
        assertThat(e.evaluate()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        List<Notification> fired = e.evaluate();

        assertThat(kinds(fired)).containsExactly(Notification.Kind.FIRING);
        Alert alert = fired.get(0).alert();
        assertThat(alert.state()).isEqualTo(AlertState.FIRING);
        assertThat(alert.annotations()).containsEntry("summary", "depth 150 above 100 on orders");
        assertThat(alert.labels()).containsEntry("alertname", "HighQueueDepth").containsEntry("severity", "warning")
                .containsEntry("queue", "orders");
        assertThat(alert.activeSince()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
    }

    @Test
    void aBlipShorterThanTheGracePeriodNeverFires() {
        AlertEngine e = engine(queueRule(Duration.ofMinutes(2), Duration.ZERO));
        depth.set(150);
        e.evaluate();
        clock.advance(Duration.ofMinutes(1));
        depth.set(10);

        assertThat(e.evaluate()).isEmpty();
        assertThat(e.activeAlerts()).isEmpty();
        depth.set(150);
        clock.advance(Duration.ofMinutes(1));
        assertThat(e.evaluate()).isEmpty();
    }

    @Test
    void keepFiringForAbsorbsFlappingThenResolvesOnce() {
        AlertEngine e = engine(queueRule(Duration.ZERO, Duration.ofMinutes(3)));
        depth.set(150);
        assertThat(kinds(e.evaluate())).containsExactly(Notification.Kind.FIRING);

        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMinutes(1));
            depth.set(i % 2 == 0 ? 10 : 150);
            assertThat(e.evaluate()).as("flap %d", i).isEmpty();
        }
        depth.set(10);
        clock.advance(Duration.ofMinutes(2));
        assertThat(e.evaluate()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        List<Notification> resolved = e.evaluate();

        assertThat(kinds(resolved)).containsExactly(Notification.Kind.RESOLVED);
        assertThat(resolved.get(0).alert().resolvedAt()).isEqualTo(clock.instant());
        assertThat(e.activeAlerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.RESOLVED);
        clock.advance(Duration.ofMinutes(16));
        assertThat(e.activeAlerts()).isEmpty();
    }

    @Test
    void aStillFiringAlertIsRepeatedOnlyAfterTheRepeatInterval() {
        AlertEngine e = engine(queueRule(Duration.ZERO, Duration.ZERO));
        depth.set(150);
        e.evaluate();

        clock.advance(Duration.ofMinutes(59));
        assertThat(e.evaluate()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(kinds(e.evaluate())).containsExactly(Notification.Kind.REPEAT);
        clock.advance(Duration.ofMinutes(1));
        assertThat(e.evaluate()).isEmpty();
    }

    @Test
    void anUnknownMetricRaisesAVisibleEvaluationErrorAlert() {
        AlertRule broken = AlertRule.builder("Broken").signal(Signals.gauge("no.such.gauge")).above(1).build();
        AlertEngine e = engine(broken);

        List<Notification> first = e.evaluate();

        assertThat(first).singleElement().satisfies(n -> {
            assertThat(n.alert().name()).isEqualTo("RuleEvaluationFailed");
            assertThat(n.alert().labels()).containsEntry("rule", "Broken");
            assertThat(n.alert().annotations().get("description")).contains("no metric named 'no.such.gauge'");
        });
        assertThat(e.evaluate()).isEmpty();
        assertThat(e.activeAlerts()).extracting(Alert::name).containsExactly("RuleEvaluationFailed");
        metrics.register("no.such.gauge", (Gauge<Integer>) () -> 0);
        assertThat(kinds(e.evaluate())).containsExactly(Notification.Kind.RESOLVED);
    }

    @Test
    void aNonNumericGaugeIsAnEvaluationErrorNotASilentSkip() {
        depth.set("lots");
        AlertEngine e = engine(queueRule(Duration.ZERO, Duration.ZERO));

        assertThat(e.evaluate()).singleElement().satisfies(n -> assertThat(n.alert().annotations().get("description"))
                .isEqualTo("gauge 'queue.depth' is not numeric (it holds String)"));
    }

    @Test
    void healthCheckRuleFiresWhenTheCheckFails() {
        AtomicReference<Boolean> up = new AtomicReference<>(true);
        health.register("db", new HealthCheck() {
            @Override
            protected Result check() {
                return up.get() ? Result.healthy() : Result.unhealthy("down");
            }
        });
        AlertEngine e = engine(RulePack.backendDown("db").build());

        assertThat(e.evaluate()).isEmpty();
        up.set(false);
        assertThat(e.evaluate()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(e.evaluate()).singleElement().satisfies(n -> {
            assertThat(n.alert().name()).isEqualTo("BackendDown");
            assertThat(n.alert().severity()).isEqualTo(Severity.CRITICAL);
            assertThat(n.alert().annotations().get("summary")).isEqualTo("Health check db is failing");
        });
    }

    @Test
    void fingerprintsAreStableAndDependOnNameAndLabels() {
        AlertRule a = queueRule(Duration.ZERO, Duration.ZERO);
        String f1 = AlertEngine.fingerprint(a.name(), a.labels());

        assertThat(AlertEngine.fingerprint(a.name(), a.labels())).isEqualTo(f1).hasSize(16);
        AlertRule other = AlertRule.builder("HighQueueDepth").signal(Signals.gauge("queue.depth")).above(100)
                .label("queue", "payments").build();
        assertThat(AlertEngine.fingerprint(other.name(), other.labels())).isNotEqualTo(f1);
    }

    @Test
    void countsEvaluationsAndFiringAlerts() {
        AlertEngine e = engine(queueRule(Duration.ZERO, Duration.ZERO));
        depth.set(500);
        e.evaluate();
        e.evaluate();

        assertThat(metrics.counter("bulwark.alerting.evaluations").getCount()).isEqualTo(2);
        assertThat(metrics.timer("bulwark.alerting.evaluation.time").getCount()).isEqualTo(2);
        assertThat(metrics.getGauges().get("bulwark.alerting.alerts.firing").getValue()).isEqualTo(1L);
    }

    @Test
    void badRulesAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> AlertRule.builder("x y").signal(Signals.gauge("g")).above(1).build())
                .hasMessageContaining("letters, digits and '_'");
        assertThatThrownBy(() -> AlertRule.builder("NoThreshold").signal(Signals.gauge("g")).build())
                .hasMessageContaining("'NoThreshold'").hasMessageContaining("threshold");
        assertThatThrownBy(() -> AlertRule.builder("Nan").signal(Signals.gauge("g")).above(Double.NaN).build())
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> AlertRule.builder("BadTemplate").signal(Signals.gauge("g")).above(1)
                .summary("value is {{valu}}").build())
                .hasMessageContaining("unknown placeholder {{valu}}");
        assertThatThrownBy(() -> AlertRule.builder("Unclosed").signal(Signals.gauge("g")).above(1)
                .summary("value is {{value").build())
                .hasMessageContaining("unclosed");
        assertThatThrownBy(() -> AlertRule.builder("NoSignal").above(1).build()).hasMessageContaining("no signal");
        assertThatThrownBy(() -> Signals.percentile("h", 1.5)).hasMessageContaining("quantile");
        assertThatThrownBy(() -> Signals.rate("c", Duration.ZERO)).hasMessageContaining("window");
        assertThatThrownBy(() -> AlertingSettings.builder().evaluationInterval(Duration.ofMillis(1)).build())
                .hasMessage("evaluationInterval (ALERT_EVALUATION_INTERVAL_SECONDS) must be at least PT0.1S, got PT0.001S");
    }
}
