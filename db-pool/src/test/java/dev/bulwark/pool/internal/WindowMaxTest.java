package dev.bulwark.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowMaxTest {

    @Test
    void remembersTheLargestValueForTheWindowThenForgetsIt() {
        WindowMax max = new WindowMax(3_000, 0);
        max.record(7);
        max.record(3);
        assertThat(max.get()).isEqualTo(7);

        max.rotate(1_000);
        max.record(2);
        max.rotate(2_000);
        assertThat(max.get()).isEqualTo(7);

        max.rotate(3_000);
        assertThat(max.get()).as("the bucket holding 7 was started 3 s ago").isEqualTo(2);
        max.rotate(10_000);
        assertThat(max.get()).isZero();
    }
}
