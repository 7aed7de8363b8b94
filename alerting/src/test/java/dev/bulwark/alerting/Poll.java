package dev.bulwark.alerting;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline. */
final class Poll {
    private Poll() {
    }

    static void until(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
