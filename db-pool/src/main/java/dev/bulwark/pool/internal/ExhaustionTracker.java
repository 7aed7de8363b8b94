package dev.bulwark.pool.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Turns samples of the pool's state into exhaustion events: a pool is exhausted while every
 * connection it may open is in use and threads are waiting for one. Thread-safe.
 */
public final class ExhaustionTracker {

    private long events;
    private Instant currentStart;
    private Instant lastStart;
    private Instant lastEnd;
    private Duration lastDuration = Duration.ZERO;
    private Duration total = Duration.ZERO;

    /**
     * Records one sample.
     *
     * @param exhausted whether the pool was exhausted at {@code now}
     * @param now when the sample was taken
     * @return true when this sample started a new exhaustion event
     */
    public synchronized boolean observe(boolean exhausted, Instant now) {
        if (exhausted && currentStart == null) {
            currentStart = now;
            lastStart = now;
            events++;
            return true;
        }
        if (!exhausted && currentStart != null) {
            lastDuration = Duration.between(currentStart, now);
            total = total.plus(lastDuration);
            lastEnd = now;
            currentStart = null;
        }
        return false;
    }

    /** A consistent copy of the tracker's state as of {@code now}. */
    public synchronized State state(Instant now) {
        Duration current = currentStart == null ? Duration.ZERO : Duration.between(currentStart, now);
        return new State(events, currentStart != null, current, lastStart, lastEnd, lastDuration, total.plus(current));
    }

    /**
     * Exhaustion state.
     *
     * @param events exhaustion events so far
     * @param exhausted whether the pool is exhausted now
     * @param currentFor how long the current event has lasted (zero when not exhausted)
     * @param lastStart start of the latest event, or null
     * @param lastEnd end of the latest finished event, or null
     * @param lastDuration length of the latest finished event
     * @param total time spent exhausted, current event included
     */
    public record State(long events, boolean exhausted, Duration currentFor, Instant lastStart, Instant lastEnd,
            Duration lastDuration, Duration total) {
    }
}
