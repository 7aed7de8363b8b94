package dev.bulwark.alerting.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.Notification;
import dev.bulwark.alerting.Notifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous delivery to one notifier: its own thread, at most one waiting notification per
 * alert (the newest state supersedes an older queued one, so a retried FIRING never arrives after
 * the RESOLVED of the same episode), retries with exponential backoff and jitter up to a cap. A
 * slow or dead notifier delays only itself; what is finally dropped is logged and counted. A
 * RESOLVED is never dropped: it is retried (at the backoff cap) until delivered.
 */
public final class Delivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /** A waiting notification with the attempts already spent on it. */
    private record Waiting(Notification notification, int attempts) {
    }

    private final Notifier notifier;
    private final int capacity;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService executor;
    private final Counter sent;
    private final Counter failed;
    private final Counter retried;
    private final Counter dropped;
    private final Object lock = new Object();
    /** Alert fingerprint to its newest waiting notification, oldest first. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();
    /** What the delivery thread is sending now. Guarded by {@link #lock}. */
    private List<Waiting> inFlight = List.of();
    /** Whether a send is scheduled or running. Guarded by {@link #lock}. */
    private boolean scheduled;
    private volatile Runnable onChange = () -> { };

    /**
     * A delivery for one notifier, with its own thread, bounded queue and retry policy.
     *
     * @param notifier where to deliver
     * @param metrics registry for {@code bulwark.alerting.notifications.*}
     * @param capacity most alerts waiting (queued or between retries)
     * @param maxAttempts attempts per notification, ≥ 1 (not for RESOLVED, retried until delivered)
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

    /**
     * Sets what to call after the waiting notifications changed (the engine saves undelivered
     * resolves).
     *
     * @param listener called on the delivery thread or the submitter's thread
     */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** Notifications waiting for delivery (queued, being sent or between retries). */
    public int queued() {
        synchronized (lock) {
            return waiting.size() + inFlight.size();
        }
    }

    /**
     * The RESOLVED notifications not delivered yet (queued, being sent or between retries) and
     * not superseded.
     *
     * @return a copy
     */
    public List<Notification> undeliveredResolves() {
        synchronized (lock) {
            Map<String, Notification> out = new LinkedHashMap<>();
            for (Waiting w : inFlight) {
                if (w.notification().kind() == Notification.Kind.RESOLVED) {
                    out.put(w.notification().alert().fingerprint(), w.notification());
                }
            }
            for (Waiting w : waiting.values()) {
                if (w.notification().kind() == Notification.Kind.RESOLVED) {
                    out.put(w.notification().alert().fingerprint(), w.notification());
                } else {
                    out.remove(w.notification().alert().fingerprint());
                }
            }
            return List.copyOf(out.values());
        }
    }

    /**
     * Queues notifications; never blocks. Each replaces a waiting notification of the same alert.
     * When {@code capacity} other alerts are already waiting, the oldest waiting repeat or test
     * notification makes room; failing that, a new FIRING is dropped (logged and counted) while a
     * RESOLVED is always kept.
     *
     * @param group the notifications
     * @return false when any was dropped
     */
    public boolean submit(List<Notification> group) {
        boolean all = true;
        List<Notification> refused = new ArrayList<>();
        synchronized (lock) {
            for (Notification n : group) {
                if (!enqueue(new Waiting(n, 0))) {
                    refused.add(n);
                    all = false;
                }
            }
            scheduleLocked(0);
        }
        if (!refused.isEmpty()) {
            dropped.inc(refused.size());
            LOG.error("Alert notifier {}: queue full ({} alerts waiting), dropped {}", notifier.name(), capacity,
                    names(refused));
        }
        onChange.run();
        return all;
    }

    private boolean enqueue(Waiting w) {
        String key = w.notification().alert().fingerprint();
        if (waiting.remove(key) != null || waiting.size() < capacity
                || w.notification().kind() == Notification.Kind.RESOLVED) {
            waiting.put(key, w);
            return true;
        }
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext();) {
            Notification.Kind kind = it.next().notification().kind();
            if (kind == Notification.Kind.REPEAT || kind == Notification.Kind.TEST) {
                it.remove();
                dropped.inc();
                waiting.put(key, w);
                return true;
            }
        }
        return false;
    }

    private void scheduleLocked(long delayMillis) {
        if (scheduled || waiting.isEmpty()) {
            return;
        }
        scheduled = true;
        try {
            executor.schedule(this::sendWaiting, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            scheduled = false;
        }
    }

    private void sendWaiting() {
        List<Waiting> batch;
        synchronized (lock) {
            batch = new ArrayList<>(waiting.values());
            waiting.clear();
            inFlight = batch;
        }
        if (batch.isEmpty()) {
            synchronized (lock) {
                scheduled = false;
            }
            return;
        }
        List<Notification> group = batch.stream().map(Waiting::notification).toList();
        int attempt = batch.stream().mapToInt(Waiting::attempts).max().orElse(0) + 1;
        Exception failure = null;
        try {
            notifier.send(group);
        } catch (Exception e) {
            failure = e;
        }
        long delay = 0;
        List<Notification> givenUp = new ArrayList<>();
        synchronized (lock) {
            inFlight = List.of();
            if (failure == null) {
                sent.inc();
            } else {
                failed.inc();
                // Put back only what no newer state has superseded meanwhile, older first.
                LinkedHashMap<String, Waiting> retry = new LinkedHashMap<>();
                for (Waiting w : batch) {
                    String key = w.notification().alert().fingerprint();
                    if (waiting.containsKey(key)) {
                        continue;
                    }
                    int spent = w.attempts() + 1;
                    if (spent >= maxAttempts && w.notification().kind() != Notification.Kind.RESOLVED) {
                        givenUp.add(w.notification());
                    } else {
                        retry.put(key, new Waiting(w.notification(), spent));
                    }
                }
                retry.putAll(waiting);
                waiting.clear();
                waiting.putAll(retry);
                if (!waiting.isEmpty()) {
                    retried.inc();
                }
                delay = backoffMillis(attempt);
            }
            scheduled = false;
            scheduleLocked(delay);
        }
        if (failure == null) {
            if (attempt > 1) {
                LOG.info("Alert notifier {}: delivered after {} attempts: {}", notifier.name(), attempt, names(group));
            }
        } else {
            if (!givenUp.isEmpty()) {
                dropped.inc(givenUp.size());
                LOG.error("Alert notifier {}: giving up after {} attempts, dropped {}: {}", notifier.name(), attempt,
                        names(givenUp), failure.toString());
            }
            LOG.warn("Alert notifier {}: attempt {} failed ({}); retrying in {} ms", notifier.name(), attempt,
                    failure.toString(), delay);
        }
        onChange.run();
    }

    /**
     * Exponential backoff: initial × 2^(attempt-1), capped, with ±20 % jitter.
     *
     * @param attempt the attempt that failed, from 1
     * @return the delay before the next one, in milliseconds
     */
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

    /** Stops delivering; waiting notifications are dropped (undelivered resolves stay listed for saving). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
