package dev.bulwark.pool.internal;

import dev.bulwark.core.internal.ExactTotal;
import com.codahale.metrics.Clock;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A dropwizard {@link Timer} that also keeps the total of all recorded durations and their maximum
 * over a sliding window — what a Prometheus summary needs ({@code _count}, {@code _sum},
 * {@code _max}) and dropwizard's snapshot lacks. Recording costs the lock-free reservoir update, one
 * {@link LongAdder} add and one window-max check: the rate meter is not marked on the recording
 * path but caught up by the monitor ({@link #syncRates()}), so its rates lag by one sample interval.
 */
public final class SummaryTimer extends Timer implements ExactTotal {

    private final Summing histogram;
    private final CatchUpMeter meter;
    private long synced;

    private SummaryTimer(CatchUpMeter meter, Summing histogram) {
        super(meter, histogram, Clock.defaultClock());
        this.meter = meter;
        this.histogram = histogram;
    }

    /**
     * A timer whose window maximum spans {@code windowMillis}.
     *
     * @param windowMillis window of {@link #windowMax()}
     * @param nowMillis current time of the owner's clock
     * @return the timer
     */
    public static SummaryTimer create(long windowMillis, long nowMillis) {
        return new SummaryTimer(new CatchUpMeter(), new Summing(new WindowMax(windowMillis, nowMillis)));
    }

    /** Total of all recorded durations, in nanoseconds. */
    @Override
    public long sumNanos() {
        return histogram.sum.sum();
    }

    /** The window maximum of recorded durations, in nanoseconds. */
    public WindowMax windowMax() {
        return histogram.max;
    }

    /** Marks the rate meter with the events recorded since the last call; monitor thread only. */
    public void syncRates() {
        long count = getCount();
        long delta = count - synced;
        synced = count;
        if (delta > 0) {
            meter.catchUp(delta);
        }
    }

    private static final class Summing extends Histogram {
        private final LongAdder sum = new LongAdder();
        private final WindowMax max;

        Summing(WindowMax max) {
            super(LockFreeExponentiallyDecayingReservoir.builder().build());
            this.max = max;
        }

        @Override
        public void update(long value) {
            super.update(value);
            sum.add(value);
            max.record(value);
        }
    }

    /** A meter that ignores marks on the recording path and is caught up in bulk. */
    private static final class CatchUpMeter extends Meter {
        @Override
        public void mark() {
            // counted by the histogram; the monitor catches the rates up
        }

        @Override
        public void mark(long n) {
            // see mark()
        }

        void catchUp(long n) {
            super.mark(n);
        }
    }
}
