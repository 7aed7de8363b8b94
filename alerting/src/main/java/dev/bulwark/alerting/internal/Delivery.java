package dev.bulwark.alerting.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.Notification;
import dev.bulwark.alerting.NotificationGroup;
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
 * RESOLVED is never dropped: it is retried (at the backoff cap) until delivered. Notifications of
 * different groups wait and are sent apart, one {@link Notifier#send(NotificationGroup)} each.
 */
public final class Delivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /** A waiting notification with the attempts already spent on it. */
    private record Waiting(Notification notification, int attempts) {
    }

    /** One group's waiting notifications, alert fingerprint to its newest, oldest first. */
    private static final class Batch {
        final String key;
        final Map<String, String> labels;
        final LinkedHashMap<String, Waiting> alerts = new LinkedHashMap<>();

        Batch(String key, Map<String, String> labels) {
            this.key = key;
            this.labels = labels;
        }

        NotificationGroup group() {
            return new NotificationGroup(key, labels, alerts.values().stream().map(Waiting::notification).toList());
        }
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
    /** Group key to its waiting notifications, oldest group first. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Batch> waiting = new LinkedHashMap<>();
    /** What the delivery thread is sending now. Guarded by {@link #lock}. */
    private List<Batch> inFlight = List.of();
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
            return countLocked(waiting.values()) + countLocked(inFlight);
        }
    }

    private static int countLocked(java.util.Collection<Batch> batches) {
        int n = 0;
        for (Batch b : batches) {
            n += b.alerts.size();
        }
        return n;
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
            for (Batch b : inFlight) {
                for (Waiting w : b.alerts.values()) {
                    if (w.notification().kind() == Notification.Kind.RESOLVED) {
                        out.put(w.notification().alert().fingerprint(), w.notification());
                    }
                }
            }
            for (Batch b : waiting.values()) {
                for (Waiting w : b.alerts.values()) {
                    if (w.notification().kind() == Notification.Kind.RESOLVED) {
                        out.put(w.notification().alert().fingerprint(), w.notification());
                    } else {
                        out.remove(w.notification().alert().fingerprint());
                    }
                }
            }
            return List.copyOf(out.values());
        }
    }

    /**
     * Queues notifications as one ungrouped notification (see {@link #submit(NotificationGroup)}).
     *
     * @param group the notifications
     * @return false when any was dropped
     */
    public boolean submit(List<Notification> group) {
        return submit(NotificationGroup.of(group));
    }

    /**
     * Queues one group's notification; never blocks. Each alert's notification replaces a waiting
     * one of the same alert (an alert is always in the same group); waiting groups are sent one
     * notification each. When {@code capacity} other alerts are already waiting, the oldest
     * waiting repeat or test notification makes room; failing that, a new FIRING is dropped
     * (logged and counted) while a RESOLVED is always kept.
     *
     * @param group the group
     * @return false when any was dropped
     */
    public boolean submit(NotificationGroup group) {
        boolean all = true;
        List<Notification> refused = new ArrayList<>();
        synchronized (lock) {
            for (Notification n : group.notifications()) {
                if (!enqueue(group.key(), group.labels(), new Waiting(n, 0))) {
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

    private boolean enqueue(String groupKey, Map<String, String> labels, Waiting w) {
        String key = w.notification().alert().fingerprint();
        Batch batch = waiting.get(groupKey);
        if ((batch != null && batch.alerts.remove(key) != null) || countLocked(waiting.values()) < capacity
                || w.notification().kind() == Notification.Kind.RESOLVED) {
            batchLocked(groupKey, labels).alerts.put(key, w);
            return true;
        }
        for (Batch b : waiting.values()) {
            for (Iterator<Waiting> it = b.alerts.values().iterator(); it.hasNext();) {
                Notification.Kind kind = it.next().notification().kind();
                if (kind == Notification.Kind.REPEAT || kind == Notification.Kind.TEST) {
                    it.remove();
                    dropped.inc();
                    if (b.alerts.isEmpty()) {
                        waiting.remove(b.key);
                    }
                    batchLocked(groupKey, labels).alerts.put(key, w);
                    return true;
                }
            }
        }
        return false;
    }

    private Batch batchLocked(String groupKey, Map<String, String> labels) {
        return waiting.computeIfAbsent(groupKey, k -> new Batch(k, labels));
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
        List<Batch> batches;
        synchronized (lock) {
            batches = new ArrayList<>(waiting.values());
            waiting.clear();
            inFlight = batches;
        }
        if (batches.isEmpty()) {
            synchronized (lock) {
                scheduled = false;
            }
            return;
        }
        List<Batch> failedBatches = new ArrayList<>();
        Exception failure = null;
        int worst = 0;
        for (Batch b : batches) {
            NotificationGroup group = b.group();
            int attempt = b.alerts.values().stream().mapToInt(Waiting::attempts).max().orElse(0) + 1;
            try {
                notifier.send(group);
                sent.inc();
                if (attempt > 1) {
                    LOG.info("Alert notifier {}: delivered after {} attempts: {}", notifier.name(), attempt,
                            names(group.notifications()));
                }
            } catch (Exception e) {
                failure = e;
                failed.inc();
                failedBatches.add(b);
                worst = Math.max(worst, attempt);
            }
        }
        long delay = 0;
        List<Notification> givenUp = new ArrayList<>();
        synchronized (lock) {
            inFlight = List.of();
            if (!failedBatches.isEmpty()) {
                // Put back only what no newer state has superseded meanwhile, older first.
                LinkedHashMap<String, Batch> retry = new LinkedHashMap<>();
                for (Batch b : failedBatches) {
                    Batch newer = waiting.get(b.key);
                    for (Waiting w : b.alerts.values()) {
                        String key = w.notification().alert().fingerprint();
                        if (newer != null && newer.alerts.containsKey(key)) {
                            continue;
                        }
                        int spent = w.attempts() + 1;
                        if (spent >= maxAttempts && w.notification().kind() != Notification.Kind.RESOLVED) {
                            givenUp.add(w.notification());
                        } else {
                            retry.computeIfAbsent(b.key, k -> new Batch(k, b.labels)).alerts
                                    .put(key, new Waiting(w.notification(), spent));
                        }
                    }
                }
                for (Batch b : waiting.values()) {
                    Batch merged = retry.computeIfAbsent(b.key, k -> new Batch(k, b.labels));
                    merged.alerts.putAll(b.alerts);
                }
                waiting.clear();
                waiting.putAll(retry);
                if (!waiting.isEmpty()) {
                    retried.inc();
                }
                delay = backoffMillis(worst);
            }
            scheduled = false;
            scheduleLocked(delay);
        }
        if (failure != null) {
            if (!givenUp.isEmpty()) {
                dropped.inc(givenUp.size());
                LOG.error("Alert notifier {}: giving up after {} attempts, dropped {}: {}", notifier.name(), worst,
                        names(givenUp), failure.toString());
            }
            LOG.warn("Alert notifier {}: attempt {} failed ({}); retrying in {} ms", notifier.name(), worst,
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
