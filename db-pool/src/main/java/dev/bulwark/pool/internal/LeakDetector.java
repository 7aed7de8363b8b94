package dev.bulwark.pool.internal;

import com.codahale.metrics.Counter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a connection held longer than the threshold, with the stack of the code that borrowed
 * it. Only used when leak detection is on: then each borrowed connection is wrapped in a thin
 * proxy whose {@code close()} cancels the check.
 */
public final class LeakDetector {

    private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);
    private static final int KEEP_RECENT = 10;
    private static final int STACK_FRAMES = 12;

    private final String poolName;
    private final Duration threshold;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Counter suspicions = new Counter();
    private final Deque<Suspicion> recent = new ArrayDeque<>();

    /**
     * A detector of connections held past the threshold.
     *
     * @param poolName for log lines
     * @param threshold how long a connection may be held
     * @param scheduler runs the delayed checks
     * @param clock timestamps
     */
    public LeakDetector(String poolName, Duration threshold, ScheduledExecutorService scheduler, Clock clock) {
        this.poolName = poolName;
        this.threshold = threshold;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * Wraps a freshly borrowed connection.
     *
     * @param connection from the pool
     * @return a proxy that reports a leak if not closed within the threshold
     */
    public Connection track(Connection connection) {
        Throwable borrowedAt = new Throwable("connection borrowed here");
        Thread borrower = Thread.currentThread();
        Instant borrowed = clock.instant();
        AtomicBoolean reported = new AtomicBoolean();
        ScheduledFuture<?> check = scheduler.schedule(() -> {
            reported.set(true);
            Suspicion suspicion = new Suspicion(borrower.getName(), borrowed, threshold.toMillis(), frames(borrowedAt));
            synchronized (recent) {
                if (recent.size() == KEEP_RECENT) {
                    recent.removeFirst();
                }
                recent.addLast(suspicion);
            }
            // Counted after it is listed, so a reader who sees the count also sees the entry.
            suspicions.inc();
            LOG.warn("Connection leak suspected in pool {}: held for more than {} ms by thread {}; borrowed at:",
                    poolName, threshold.toMillis(), borrower.getName(), borrowedAt);
        }, threshold.toMillis(), TimeUnit.MILLISECONDS);
        InvocationHandler handler = new Handler(connection, check, reported, borrowed);
        return (Connection) Proxy.newProxyInstance(LeakDetector.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    /** Leak suspicions reported so far. */
    public long suspicions() {
        return suspicions.getCount();
    }

    /** The suspicions as a dropwizard counter, for the registry. */
    public Counter counter() {
        return suspicions;
    }

    /** The latest suspicions, oldest first (at most ten). */
    public List<Suspicion> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    private static List<String> frames(Throwable t) {
        return Arrays.stream(t.getStackTrace())
                .filter(f -> !f.getClassName().startsWith("dev.bulwark.pool.internal."))
                .limit(STACK_FRAMES)
                .map(StackTraceElement::toString)
                .toList();
    }

    /**
     * One suspected leak.
     *
     * @param thread name of the borrowing thread
     * @param borrowedAt when the connection was borrowed
     * @param thresholdMs the threshold it exceeded
     * @param stack top frames of the borrowing code
     */
    public record Suspicion(String thread, Instant borrowedAt, long thresholdMs, List<String> stack) {
    }

    private final class Handler implements InvocationHandler {
        private final Connection target;
        private final ScheduledFuture<?> check;
        private final AtomicBoolean reported;
        private final Instant borrowed;

        Handler(Connection target, ScheduledFuture<?> check, AtomicBoolean reported, Instant borrowed) {
            this.target = target;
            this.check = check;
            this.reported = reported;
            this.borrowed = borrowed;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if ("close".equals(method.getName()) && method.getParameterCount() == 0) {
                check.cancel(false);
                if (reported.get()) {
                    LOG.info("Connection previously reported as leaked in pool {} returned after {} ms", poolName,
                            Duration.between(borrowed, clock.instant()).toMillis());
                }
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
