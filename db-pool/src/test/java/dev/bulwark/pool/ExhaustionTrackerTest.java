package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.pool.internal.ExhaustionTracker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExhaustionTrackerTest {

    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void countsOneEventPerExhaustedStretchWithItsDuration() {
        ExhaustionTracker tracker = new ExhaustionTracker();

        assertThat(tracker.observe(true, t0)).isTrue();
        assertThat(tracker.observe(true, t0.plusSeconds(1))).isFalse();
        tracker.observe(false, t0.plusSeconds(3));
        tracker.observe(true, t0.plusSeconds(10));
        ExhaustionTracker.State state = tracker.state(t0.plusSeconds(12));

        assertThat(state.events()).isEqualTo(2);
        assertThat(state.exhausted()).isTrue();
        assertThat(state.currentFor()).isEqualTo(Duration.ofSeconds(2));
        assertThat(state.lastDuration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(state.total()).isEqualTo(Duration.ofSeconds(5));
        assertThat(state.lastStart()).isEqualTo(t0.plusSeconds(10));
        assertThat(state.lastEnd()).isEqualTo(t0.plusSeconds(3));
    }

    @Test
    void neverExhaustedMeansNoEvents() {
        ExhaustionTracker tracker = new ExhaustionTracker();
        tracker.observe(false, t0);

        ExhaustionTracker.State state = tracker.state(t0.plusSeconds(5));

        assertThat(state.events()).isZero();
        assertThat(state.exhausted()).isFalse();
        assertThat(state.total()).isZero();
        assertThat(state.lastStart()).isNull();
    }
}
