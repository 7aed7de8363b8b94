package dev.bulwark.core.internal;

/**
 * A timer that keeps the exact total of what it recorded (dropwizard's {@code Timer} keeps only a
 * reservoir): db-pool's timers implement it, and the Micrometer bridge reads it for a timer's
 * {@code _sum} instead of estimating mean × count.
 */
public interface ExactTotal {

    /**
     * The total of every recorded duration.
     *
     * @return nanoseconds
     */
    long sumNanos();
}
