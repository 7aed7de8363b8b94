package dev.bulwark.pool.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The largest value recorded over a sliding window, like Micrometer's {@code TimeWindowMax}: the
 * window is split into three buckets; {@link #record} only touches the current bucket (one read,
 * rarely a compare-and-set, no clock read), and the owner calls {@link #rotate} from its own
 * thread to start a new bucket and forget the oldest. A reading covers between two thirds of the
 * window and the whole window.
 */
public final class WindowMax {

    private static final int BUCKETS = 3;

    private final AtomicLong[] buckets = new AtomicLong[BUCKETS];
    private final long bucketMillis;
    private volatile AtomicLong current;
    private int index;
    private long rotatedAt;

    /**
     * A maximum over a sliding window.
     *
     * @param windowMillis length of the window, at least 3 ms
     * @param nowMillis the owner's current time
     */
    public WindowMax(long windowMillis, long nowMillis) {
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new AtomicLong();
        }
        this.bucketMillis = Math.max(1, windowMillis / BUCKETS);
        this.current = buckets[0];
        this.rotatedAt = nowMillis;
    }

    /**
     * Records a value (thread-safe, lock-free).
     *
     * @param value the value
     */
    public void record(long value) {
        AtomicLong bucket = current;
        long seen = bucket.get();
        while (value > seen) {
            if (bucket.compareAndSet(seen, value)) {
                return;
            }
            seen = bucket.get();
        }
    }

    /**
     * Starts new buckets for every bucket length that has passed. Called by one thread only.
     *
     * @param nowMillis the owner's current time
     */
    public synchronized void rotate(long nowMillis) {
        int steps = 0;
        while (nowMillis - rotatedAt >= bucketMillis && steps < BUCKETS) {
            index = (index + 1) % BUCKETS;
            buckets[index].set(0);
            rotatedAt += bucketMillis;
            steps++;
        }
        if (nowMillis - rotatedAt >= bucketMillis) {
            rotatedAt = nowMillis;
        }
        current = buckets[index];
    }

    /** The largest value recorded within the window; 0 when none. */
    public long get() {
        long max = 0;
        for (AtomicLong b : buckets) {
            max = Math.max(max, b.get());
        }
        return max;
    }
}
