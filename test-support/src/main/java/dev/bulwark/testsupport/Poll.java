package dev.bulwark.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline (instead of a fixed sleep standing in for a state). */
public final class Poll {
    private Poll() {
    }

    /**
     * Polls {@code condition} every 20 ms until it holds.
     *
     * @param deadline how long to wait at most
     * @param what what is awaited, for the failure message
     * @param condition the condition
     * @throws AssertionError when the deadline passes first
     */
    public static void until(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}
