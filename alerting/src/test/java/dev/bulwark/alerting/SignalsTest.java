package dev.bulwark.alerting;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The built-in signals and rule pack on a fake clock. */
class SignalsTest {

    final MetricRegistry metrics = new MetricRegistry();
    Instant now = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void rateIsTheIncreaseOverTheWindowPerSecond() {
        Signal rate = Signals.rate("requests", Duration.ofMinutes(1));
        metrics.counter("requests").inc(100);

        assertThat(rate.read(metrics, null, now)).isNaN();
        now = now.plusSeconds(60);
        metrics.counter("requests").inc(600);
        assertThat(rate.read(metrics, null, now)).isEqualTo(10.0);
    }

    @Test
    void errorRatioNeedsTheMinimumRequestCount() {
        Signal ratio = Signals.ratio("errors", "requests", Duration.ofMinutes(5), 100);
        Meter errors = metrics.meter("errors");
        Meter requests = metrics.meter("requests");
        ratio.read(metrics, null, now);

        now = now.plus(Duration.ofMinutes(5));
        errors.mark(9);
        requests.mark(90);
        assertThat(ratio.read(metrics, null, now)).as("90 requests < 100").isNaN();
        now = now.plus(Duration.ofMinutes(5));
        errors.mark(20);
        requests.mark(200);
        assertThat(ratio.read(metrics, null, now)).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void highErrorRateFiresAfterFiveMinutesAboveFivePercent() {
        Meter errors = metrics.meter("http.5xx");
        Meter requests = metrics.meter("http.requests");
        MutableClock clock = new MutableClock(now);
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock)
                .rules(RulePack.highErrorRate("http.5xx", "http.requests").build()).build()) {
            int fired = 0;
            for (int minute = 0; minute <= 12; minute++) {
                requests.mark(100);
                errors.mark(10);
                fired += engine.evaluate().size();
                clock.advance(Duration.ofMinutes(1));
            }
            assertThat(fired).isEqualTo(1);
            assertThat(engine.activeAlerts()).singleElement().satisfies(a ->
                    assertThat(a.annotations().get("summary")).isEqualTo("Error ratio 0.1 above 0.05 over 5 minutes"));
        }
    }

    @Test
    void poolExhaustedReadsHikarisGaugesByName() {
        AtomicInteger pending = new AtomicInteger();
        metrics.register("orders.pool.ActiveConnections", (Gauge<Integer>) () -> 10);
        metrics.register("orders.pool.MaxConnections", (Gauge<Integer>) () -> 10);
        metrics.register("orders.pool.PendingConnections", (Gauge<Integer>) pending::get);
        Signal exhausted = Signals.poolExhausted("orders");

        assertThat(exhausted.read(metrics, null, now)).isZero();
        pending.set(3);
        assertThat(exhausted.read(metrics, null, now)).isEqualTo(1);
    }

    @Test
    void percentileOfATimerIsInMilliseconds() {
        metrics.timer("latency").update(Duration.ofMillis(250));

        assertThat(Signals.percentile("latency", 0.99).read(metrics, null, now)).isCloseTo(250, within(0.001));
    }

    @Test
    void heartbeatAgeIsSecondsSinceTheGaugeTime() {
        metrics.register("heartbeat", (Gauge<Long>) () -> now.minusSeconds(90).toEpochMilli());

        assertThat(Signals.heartbeatAge("heartbeat").read(metrics, null, now)).isEqualTo(90.0);
    }

    @Test
    void diskTrendPredictsHoursUntilFull() {
        dev.bulwark.alerting.internal.SampleWindow window = new dev.bulwark.alerting.internal.SampleWindow(Duration.ofHours(1));
        double free = 10_000;
        double hours = Double.NaN;
        for (int minute = 0; minute <= 60; minute += 5) {
            hours = window.hoursUntilZero(now.plus(Duration.ofMinutes(minute)), free);
            free -= 250;            // 3000 per hour
        }
        assertThat(hours).isCloseTo((10_000 - 3000.0) / 3000.0 + 0.0833, within(0.1));
        assertThat(new dev.bulwark.alerting.internal.SampleWindow(Duration.ofHours(1)).hoursUntilZero(now, 5)).isNaN();
    }

    @Test
    void diskFreePercentReadsTheRealFileSystem() {
        double percent = Signals.diskFreePercent(java.nio.file.Path.of(".")).read(metrics, null, now);

        assertThat(percent).isBetween(0.0, 100.0);
    }
}
