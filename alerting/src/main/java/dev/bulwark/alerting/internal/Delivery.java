package dev.bulwark.alerting.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.Notification;
import dev.bulwark.alerting.Notifier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous delivery to one notifier: its own thread, a bounded number of groups waiting,
 * retries with exponential backoff and jitter up to a cap. A slow or dead notifier delays only
 * itself; what is finally dropped is logged and counted.
 */
public final class Delivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final Notifier notifier;
    private final int capacity;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService executor;
    private final AtomicInteger queued = new AtomicInteger();
    private final Counter sent;
    private final Counter failed;
    private final Counter retried;
    private final Counter dropped;

    /**
     * A delivery for one notifier, with its own thread, bounded queue and retry policy.
     *
     * @param notifier where to deliver
     * @param metrics registry for {@code bulwark.alerting.notifications.*}
     * @param capacity most groups waiting (queued or between retries)
     * @param maxAttempts attempts per group, ≥ 1
     * @param initialBackoff delay before the first retry
     * @param maxBackoff cap on the delay
     * @param threads makes the delivery's one thread
     */
    public Delivery(Notifier notifier, MetricRegistry metrics, int capacity, int maxAttempts, Duration initialBackoff,
            Duration maxBackoff, ThreadFactory threads) {
        this.notifier = notifier;
        this.capacity = capacity;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, threads);
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
        String prefix = "bulwark.alerting.notifications.";
        this.sent = metrics.counter(prefix + "sent." + notifier.name());
        this.failed = metrics.counter(prefix + "failed." + notifier.name());
        this.retried = metrics.counter(prefix + "retried." + notifier.name());
        this.dropped = metrics.counter(prefix + "dropped." + notifier.name());
    }

    /** The notifier delivered to. */
    public Notifier notifier() {
        return notifier;
    }

    /** Groups waiting for delivery (queued or between retries). */
    public int queued() {
        return queued.get();
    }

    /**
     * Queues a group; never blocks. When {@code capacity} groups are already waiting, this one is
     * dropped (logged and counted).
     *
     * @param group the notifications
     * @return false when dropped
     */
    public boolean submit(List<Notification> group) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.inc();
            LOG.error("Alert notifier {}: queue full ({} groups waiting), dropped {} notification(s): {}", notifier.name(),
                    capacity, group.size(), names(group));
            return false;
        }
        try {
            executor.execute(() -> attempt(group, 1));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.decrementAndGet();
            dropped.inc();
            return false;
        }
    }

    private void attempt(List<Notification> group, int attempt) {
        try {
            notifier.send(group);
            sent.inc();
            queued.decrementAndGet();
            if (attempt > 1) {
                LOG.info("Alert notifier {}: delivered after {} attempts: {}", notifier.name(), attempt, names(group));
            }
        } catch (Exception e) {
            failed.inc();
            if (attempt >= maxAttempts) {
                queued.decrementAndGet();
                dropped.inc();
                LOG.error("Alert notifier {}: giving up after {} attempts, dropped {}: {}", notifier.name(), attempt,
                        names(group), e.toString());
                return;
            }
            long delay = backoffMillis(attempt);
            retried.inc();
            LOG.warn("Alert notifier {}: attempt {} failed ({}); retrying in {} ms", notifier.name(), attempt, e.toString(),
                    delay);
            try {
                executor.schedule(() -> attempt(group, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                queued.decrementAndGet();
                dropped.inc();
            }
        }
    }

    /** Exponential backoff: initial × 2^(attempt-1), capped, with ±20 % jitter. */
    long backoffMillis(int attempt) {
        double base = initialBackoff.toMillis() * Math.pow(2, Math.min(attempt - 1, 30));
        double capped = Math.min(base, maxBackoff.toMillis());
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Math.max(1, Math.round(capped * jitter));
    }

    private static String names(List<Notification> group) {
        StringBuilder sb = new StringBuilder();
        for (Notification n : group) {
            sb.append(sb.length() == 0 ? "" : ", ").append(n.alert().name()).append('/').append(n.kind());
        }
        return sb.toString();
    }

    /** Stops delivering; waiting groups are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
