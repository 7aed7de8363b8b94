package dev.bulwark.alerting;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one in-memory notifier of the alerting tests: records every group the engine delivers (and
 * its notifications, flattened, in order) and refuses deliveries while {@link #down} is set.
 * {@link #routingItself(String)} stands for Alertmanager, {@link #resendingFiring(String, Duration)}
 * for a notifier that asks for periodic re-sends.
 */
final class RecordingNotifier implements Notifier {

    private final String name;
    private final boolean routesItself;
    private final Duration resendFiring;
    /** Every group delivered, in order. */
    final List<NotificationGroup> groups = new CopyOnWriteArrayList<>();
    /** Every notification delivered, in order (the groups flattened). */
    final List<Notification> got = new CopyOnWriteArrayList<>();
    /** While true, every delivery fails as a receiver that is down would. */
    final AtomicBoolean down = new AtomicBoolean();

    private RecordingNotifier(String name, boolean routesItself, Duration resendFiring) {
        this.name = name;
        this.routesItself = routesItself;
        this.resendFiring = resendFiring;
    }

    /** A direct notifier (grouped, silenced, inhibited), like the webhook. */
    RecordingNotifier(String name) {
        this(name, false, Duration.ZERO);
    }

    /** A notifier that groups, silences and inhibits by itself, like Alertmanager. */
    static RecordingNotifier routingItself(String name) {
        return new RecordingNotifier(name, true, Duration.ZERO);
    }

    /** A notifier that asks for firing alerts to be re-sent every {@code every}. */
    static RecordingNotifier resendingFiring(String name, Duration every) {
        return new RecordingNotifier(name, false, every);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean routesItself() {
        return routesItself;
    }

    @Override
    public Duration resendFiring() {
        return resendFiring;
    }

    /** Never called by the engine, which always delivers through {@link #send(NotificationGroup)}. */
    @Override
    public void send(List<Notification> notifications) {
        throw new AssertionError("the engine delivers groups");
    }

    @Override
    public void send(NotificationGroup group) throws IOException {
        if (down.get()) {
            throw new IOException("receiver down");
        }
        groups.add(group);
        got.addAll(group.notifications());
    }

    /** Every notification as {@code alertname/KIND}, in order. */
    List<String> seen() {
        return got.stream().map(n -> n.alert().name() + "/" + n.kind()).toList();
    }

    /** Every group as {@code {labels} [queue-or-alertname/KIND, ...]}, for short assertions. */
    List<String> seenGroups() {
        return groups.stream().map(g -> new TreeMap<>(g.labels()) + " " + g.notifications().stream()
                .map(n -> n.alert().labels().getOrDefault("queue", n.alert().name()) + "/" + n.kind()).toList())
                .toList();
    }
}
