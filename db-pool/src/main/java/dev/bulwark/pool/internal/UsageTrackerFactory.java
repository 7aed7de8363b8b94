package dev.bulwark.pool.internal;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import com.zaxxer.hikari.metrics.dropwizard.CodaHaleMetricsTracker;
import com.zaxxer.hikari.metrics.dropwizard.CodahaleMetricsTrackerFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hikari's own dropwizard tracker (acquire timer, usage and creation histograms, timeout meter,
 * pool gauges), plus the two counts Hikari does not keep: connections in use right now (for an
 * exact peak) and acquire timeouts as a plain total. Two atomic operations per borrow; nothing
 * wraps the connection.
 */
public final class UsageTrackerFactory implements MetricsTrackerFactory {

    private final CodahaleMetricsTrackerFactory delegate;
    private final MetricRegistry registry;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final LongAdder timeouts = new LongAdder();
    private volatile Timer acquireTimer;

    /** @param registry where Hikari registers its {@code <pool>.pool.*} metrics */
    public UsageTrackerFactory(MetricRegistry registry) {
        this.delegate = new CodahaleMetricsTrackerFactory(registry);
        this.registry = registry;
    }

    @Override
    public IMetricsTracker create(String poolName, PoolStats poolStats) {
        // Hikari asks the registry for these by name; registering them first with the lock-free
        // reservoir keeps the same series but takes a lock off every borrow and return.
        String prefix = poolName + ".pool.";
        registry.timer(prefix + "Wait", () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
        registry.histogram(prefix + "Usage", () -> new Histogram(LockFreeExponentiallyDecayingReservoir.builder().build()));
        IMetricsTracker hikari = delegate.create(poolName, poolStats);
        if (hikari instanceof CodaHaleMetricsTracker) {
            acquireTimer = ((CodaHaleMetricsTracker) hikari).getConnectionAcquisitionTimer();
        }
        return new IMetricsTracker() {
            @Override
            public void recordConnectionCreatedMillis(long millis) {
                hikari.recordConnectionCreatedMillis(millis);
            }

            @Override
            public void recordConnectionAcquiredNanos(long nanos) {
                hikari.recordConnectionAcquiredNanos(nanos);
                int now = inUse.incrementAndGet();
                peak.accumulateAndGet(now, Math::max);
            }

            @Override
            public void recordConnectionUsageMillis(long millis) {
                hikari.recordConnectionUsageMillis(millis);
                inUse.decrementAndGet();
            }

            @Override
            public void recordConnectionTimeout() {
                hikari.recordConnectionTimeout();
                timeouts.increment();
            }

            @Override
            public void close() {
                hikari.close();
            }
        };
    }

    /** Connections borrowed and not yet returned. */
    public int inUse() {
        return inUse.get();
    }

    /** Most connections in use at once since start (or the last {@link #resetPeak()}). */
    public int peak() {
        return peak.get();
    }

    /** Starts a new peak window at the current in-use count. */
    public void resetPeak() {
        peak.set(inUse.get());
    }

    /** Acquire attempts that timed out. */
    public long timeouts() {
        return timeouts.sum();
    }

    /** Hikari's acquire-time timer, once the pool has started; null before. */
    public Timer acquireTimer() {
        return acquireTimer;
    }
}
