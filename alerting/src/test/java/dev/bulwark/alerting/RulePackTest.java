package dev.bulwark.alerting;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each built-in rule fires on its condition after its grace period. */
class RulePackTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final MetricRegistry metrics = new MetricRegistry();

    private AlertEngine engine(AlertRule rule) {
        return AlertEngine.builder(metrics).clock(clock).rules(rule).build();
    }

    @Test
    void dbPoolExhaustedFiresAfterAMinuteOfWaitersAtMax() {
        AtomicInteger pending = new AtomicInteger(2);
        metrics.register("bulwark.pool.ActiveConnections", (Gauge<Integer>) () -> 60);
        metrics.register("bulwark.pool.MaxConnections", (Gauge<Integer>) () -> 60);
        metrics.register("bulwark.pool.PendingConnections", (Gauge<Integer>) pending::get);
        try (AlertEngine e = engine(RulePack.dbPoolExhausted("bulwark").build())) {
            assertThat(e.evaluate()).isEmpty();
            clock.advance(Duration.ofSeconds(59));
            assertThat(e.evaluate()).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            assertThat(e.evaluate()).singleElement().satisfies(n -> {
                assertThat(n.alert().name()).isEqualTo("DbPoolExhausted");
                assertThat(n.alert().labels()).containsEntry("pool", "bulwark");
            });
            pending.set(0);
            clock.advance(Duration.ofSeconds(15));
            assertThat(e.evaluate()).singleElement().extracting(Notification::kind).isEqualTo(Notification.Kind.RESOLVED);
        }
    }

    @Test
    void diskSpaceLowFiresBelowTheFreePercentage() {
        try (AlertEngine e = engine(RulePack.diskSpaceLow(Path.of("."), 100.1).build())) {
            e.evaluate();
            clock.advance(Duration.ofMinutes(5));
            assertThat(e.evaluate()).singleElement().satisfies(n ->
                    assertThat(n.alert().annotations().get("summary")).matches("Only [0-9.]+ % free on \\. \\(minimum 100.1 %\\)"));
        }
        try (AlertEngine e = engine(RulePack.diskSpaceLow(Path.of("."), 0.0).build())) {
            e.evaluate();
            clock.advance(Duration.ofMinutes(5));
            assertThat(e.evaluate()).isEmpty();
        }
    }

    @Test
    void heartbeatMissingFiresWhenTheHeartbeatIsOld() {
        metrics.register("backend.heartbeat", (Gauge<Long>) () -> Instant.parse("2026-11-25T12:00:00Z").toEpochMilli());
        try (AlertEngine e = engine(RulePack.heartbeatMissing("backend.heartbeat", Duration.ofMinutes(2)).build())) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(e.evaluate()).isEmpty();
            clock.advance(Duration.ofMinutes(2));
            assertThat(e.evaluate()).singleElement().satisfies(n ->
                    assertThat(n.alert().annotations().get("summary")).isEqualTo("No heartbeat from backend.heartbeat for 180 s (limit 120 s)"));
        }
    }
}
