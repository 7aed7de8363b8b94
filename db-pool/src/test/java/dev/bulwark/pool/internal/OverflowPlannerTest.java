package dev.bulwark.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OverflowPlannerTest {

    private final Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
    private final OverflowPlanner planner = new OverflowPlanner(20, 60, Duration.ofSeconds(5));

    @Test
    void keepsThePoolSizeAtRest() {
        assertThat(planner.target(t0, 0)).isEqualTo(20);
        assertThat(planner.target(t0.plusSeconds(1), 12)).isEqualTo(20);
    }

    @Test
    void followsABurstUpToTheMaximum() {
        assertThat(planner.target(t0, 30)).isEqualTo(30);
        assertThat(planner.target(t0.plusMillis(250), 75)).isEqualTo(60);
    }

    @Test
    void keepsOverflowForTheIdleTimeAfterTheBurstThenLetsItGo() {
        planner.target(t0, 30);
        assertThat(planner.target(t0.plusSeconds(1), 0)).isEqualTo(30);
        assertThat(planner.target(t0.plusMillis(4_999), 25)).isEqualTo(30);
        assertThat(planner.target(t0.plusMillis(5_001), 0)).as("30 was needed more than 5 s ago; 25 less").isEqualTo(25);
        assertThat(planner.target(t0.plusMillis(10_000), 0)).isEqualTo(20);
    }

    @Test
    void zeroIdleTimeClosesOverflowAtOnce() {
        OverflowPlanner eager = new OverflowPlanner(20, 60, Duration.ZERO);
        eager.target(t0, 40);
        assertThat(eager.target(t0.plusMillis(1), 0)).isEqualTo(20);
    }

    @Test
    void minimumIdleOnlyTopsThePoolUpToItsSize() {
        assertThat(planner.minimumIdle(0)).isEqualTo(20);
        assertThat(planner.minimumIdle(15)).isEqualTo(5);
        assertThat(planner.minimumIdle(30)).as("30 in use: no spare idle connections on top").isZero();
    }
}
