package dev.bulwark.pool.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * HikariCP's metrics tracker for a monitored pool. It keeps the dropwizard series Hikari's own
 * dropwizard tracker registers ({@code <pool>.pool.Wait}, {@code Usage}, {@code ConnectionCreation}
 * — here all three {@link SummaryTimer}s, in nanoseconds — and {@code ConnectionTimeoutRate}), plus
 * what Hikari does not keep: connections in use right now and their peak since the monitor's last
 * sample, acquire timeouts as a total, and connections opened above the steady size.
 *
 * <p>Borrows made by the monitor's own thread (to retire idle overflow connections or to ask the
 * server about its connections) are not counted: they are not the application's.
 */
public final class PoolTracker implements MetricsTrackerFactory {

    private final int size;
    private final int maximum;
    private final SummaryTimer acquire;
    private final SummaryTimer usage;
    private final SummaryTimer creation;
    private final Meter timeoutRate = new Meter();
    private final Counter timeouts = new Counter();
    private final Counter overflowOpened = new Counter();
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger highSinceSample = new AtomicInteger();
    private volatile Thread monitorThread;
    private volatile int minimumIdleBasis = Integer.MAX_VALUE;
    private volatile IntConsumer minimumIdleSetter;
    private volatile IntSupplier totalConnections;

    /**
     * A tracker of one pool's use.
     *
     * @param size steady connections ({@code DB_POOL_SIZE})
     * @param maximum most connections the pool may open
     * @param windowMillis window of the {@code _max} figures
     * @param nowMillis current time of the monitor's clock
     */
    public PoolTracker(int size, int maximum, long windowMillis, long nowMillis) {
        this.size = size;
        this.maximum = maximum;
        this.acquire = SummaryTimer.create(windowMillis, nowMillis);
        this.usage = SummaryTimer.create(windowMillis, nowMillis);
        this.creation = SummaryTimer.create(windowMillis, nowMillis);
    }

    /**
     * Registers the pool's dropwizard series under {@code <pool>.pool.*}.
     *
     * @param registry the registry
     * @param poolName the pool's name
     */
    public void register(MetricRegistry registry, String poolName) {
        String p = poolName + ".pool.";
        registry.register(p + "Wait", acquire);
        registry.register(p + "Usage", usage);
        registry.register(p + "ConnectionCreation", creation);
        registry.register(p + "ConnectionTimeoutRate", timeoutRate);
    }

    /**
     * Names the monitor's thread: its borrows are not the application's and are not counted.
     *
     * @param monitor the thread
     */
    public void monitorThread(Thread monitor) {
        this.monitorThread = monitor;
    }

    /**
     * Connects the tracker to its running pool.
     *
     * @param setMinimumIdle lowers HikariCP's {@code minimumIdle} when the in-use count rises between samples
     * @param total open connections
     */
    public void attach(IntConsumer setMinimumIdle, IntSupplier total) {
        this.minimumIdleSetter = setMinimumIdle;
        this.totalConnections = total;
    }

    /**
     * Tells the tracker the in-use count the monitor last set {@code minimumIdle} for: a borrow that
     * takes the count above it lowers {@code minimumIdle} at once, so HikariCP does not open spare
     * idle connections during the rest of the sample interval.
     *
     * @param active in-use count at the monitor's sample
     */
    public void minimumIdleSetFor(int active) {
        minimumIdleBasis = active;
    }

    @Override
    public IMetricsTracker create(String poolName, PoolStats poolStats) {
        return new Tracker();
    }

    /** Connections borrowed by the application and not yet returned. */
    public int inUse() {
        return inUse.get();
    }

    /**
     * The highest in-use count since the previous call, and starts the next interval at the current
     * count. Monitor thread only.
     *
     * @return the peak since the last call
     */
    public int takeHighSinceSample() {
        return Math.min(maximum, highSinceSample.getAndSet(inUse.get()));
    }

    /** The highest in-use count since the monitor's last sample, without starting a new interval. */
    public int highSinceSample() {
        return Math.min(maximum, highSinceSample.get());
    }

    /** Acquire attempts that timed out. */
    public Counter timeouts() {
        return timeouts;
    }

    /** Connections opened while the pool already held its steady size. */
    public Counter overflowOpened() {
        return overflowOpened;
    }

    /** Time to acquire a connection (nanoseconds; timed-out attempts included, as in Micrometer's binding). */
    public SummaryTimer acquire() {
        return acquire;
    }

    /** Time a connection was held (recorded in HikariCP's millisecond resolution). */
    public SummaryTimer usage() {
        return usage;
    }

    /** Time to open a physical connection (millisecond resolution). */
    public SummaryTimer creation() {
        return creation;
    }

    private boolean monitorCalling() {
        return Thread.currentThread() == monitorThread;
    }

    private final class Tracker implements IMetricsTracker {
        @Override
        public void recordConnectionCreatedMillis(long millis) {
            creation.update(millis, TimeUnit.MILLISECONDS);
            IntSupplier total = totalConnections;
            // Called before HikariCP adds the new connection: the total does not include it yet.
            if (total != null && total.getAsInt() >= size) {
                overflowOpened.inc();
            }
        }

        @Override
        public void recordConnectionAcquiredNanos(long nanos) {
            if (monitorCalling()) {
                return;
            }
            acquire.update(nanos, TimeUnit.NANOSECONDS);
            int now = inUse.incrementAndGet();
            if (now > highSinceSample.get()) {
                highSinceSample.accumulateAndGet(now, Math::max);
            }
            if (now > minimumIdleBasis) {
                minimumIdleBasis = now;
                IntConsumer setter = minimumIdleSetter;
                if (setter != null) {
                    setter.accept(Math.max(0, size - now));
                }
            }
        }

        @Override
        public void recordConnectionUsageMillis(long millis) {
            if (monitorCalling()) {
                return;
            }
            usage.update(millis, TimeUnit.MILLISECONDS);
            inUse.decrementAndGet();
        }

        @Override
        public void recordConnectionTimeout() {
            if (monitorCalling()) {
                return;
            }
            // HikariCP reported the timed-out attempt as an acquisition just before: undo its in-use count.
            inUse.decrementAndGet();
            timeoutRate.mark();
            timeouts.inc();
        }
    }
}
