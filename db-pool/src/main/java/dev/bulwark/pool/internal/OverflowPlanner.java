package dev.bulwark.pool.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides how many connections the pool should hold, the SQLAlchemy way: {@code size} kept at
 * rest, more while they are needed, and connections above {@code size} closed once the demand for
 * them has been gone for {@code overflowIdle}. Demand is what the monitor saw at each sample
 * (connections in use plus threads waiting, and the highest in-use count between samples). Used
 * by one thread (the monitor).
 */
public final class OverflowPlanner {

    private final int size;
    private final int maximum;
    private final Duration overflowIdle;
    /** Samples within the idle window, demand strictly decreasing from head to tail (a max-queue). */
    private final Deque<long[]> window = new ArrayDeque<>();

    /**
     * A planner for a pool of the given size.
     *
     * @param size connections kept at rest ({@code DB_POOL_SIZE})
     * @param maximum most connections the pool may open
     * @param overflowIdle how long overflow connections stay after the demand for them is gone
     */
    public OverflowPlanner(int size, int maximum, Duration overflowIdle) {
        this.size = size;
        this.maximum = maximum;
        this.overflowIdle = overflowIdle;
    }

    /**
     * Records a sample and returns how many connections the pool should hold now.
     *
     * @param now when the sample was taken
     * @param demand connections needed at that moment (in use, waited for, or the in-use peak since the last sample)
     * @return the target: between {@code size} and the maximum
     */
    public int target(Instant now, int demand) {
        long at = now.toEpochMilli();
        while (!window.isEmpty() && window.peekLast()[1] <= demand) {
            window.pollLast();
        }
        window.addLast(new long[] {at, demand});
        long horizon = at - overflowIdle.toMillis();
        while (window.size() > 1 && window.peekFirst()[0] <= horizon) {
            window.pollFirst();
        }
        return (int) Math.min(maximum, Math.max(size, window.peekFirst()[1]));
    }

    /**
     * The {@code minimumIdle} HikariCP should keep so that the pool holds {@code size} connections
     * in all and no spare idle ones on top of those in use.
     *
     * @param active connections in use
     * @return {@code max(0, size - active)}
     */
    public int minimumIdle(int active) {
        return Math.max(0, size - active);
    }
}
