package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.internal.Delivery;
import dev.bulwark.core.internal.Threads;
import dev.bulwark.testsupport.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The delivery queue: newest state per alert, a full queue keeps resolves. */
class DeliveryOrderTest {

    static Notification note(String fingerprint, Notification.Kind kind) {
        AlertState state = kind == Notification.Kind.RESOLVED ? AlertState.RESOLVED : AlertState.FIRING;
        Instant t = Instant.parse("2026-11-26T12:00:00Z");
        return new Notification(new Alert(fingerprint, "A" + fingerprint, Severity.WARNING, Map.of(), Map.of(), state, 1,
                t, t, state == AlertState.RESOLVED ? t : null), kind);
    }

    /** Blocks its first send until released, then records everything. */
    static final class Gate implements Notifier {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Notification> got = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "gate";
        }

        @Override
        public void send(List<Notification> notifications) throws Exception {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            got.addAll(notifications);
        }
    }

    @Test
    void aNewerStateSupersedesTheQueuedOneOfTheSameAlert() throws Exception {
        Gate gate = new Gate();
        MetricRegistry metrics = new MetricRegistry();
        try (Delivery d = new Delivery(gate, metrics, 10, 3, Duration.ofMillis(10), Duration.ofMillis(10),
                Threads.daemon("t"))) {
            d.submit(List.of(note("0", Notification.Kind.TEST)));
            assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
            d.submit(List.of(note("a", Notification.Kind.FIRING)));
            d.submit(List.of(note("a", Notification.Kind.RESOLVED)));
            assertThat(d.queued()).isEqualTo(2);
            gate.release.countDown();

            Poll.until(Duration.ofSeconds(5), "both delivered", () -> gate.got.size() == 2);
            assertThat(gate.got).extracting(n -> n.alert().fingerprint() + "/" + n.kind())
                    .containsExactly("0/TEST", "a/RESOLVED");
        }
    }

    @Test
    void aFullQueueKeepsTheNewestStatePerAlertAndNeverDropsAResolve() throws Exception {
        Gate gate = new Gate();
        MetricRegistry metrics = new MetricRegistry();
        try (Delivery d = new Delivery(gate, metrics, 2, 3, Duration.ofMillis(10), Duration.ofMillis(10),
                Threads.daemon("t"))) {
            d.submit(List.of(note("0", Notification.Kind.TEST)));
            assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
            d.submit(List.of(note("a", Notification.Kind.FIRING), note("b", Notification.Kind.REPEAT)));
            // Full: a repeat makes room for a new page; a newer state of a waiting alert always fits.
            assertThat(d.submit(List.of(note("c", Notification.Kind.FIRING)))).isTrue();
            assertThat(d.submit(List.of(note("d", Notification.Kind.FIRING)))).as("no room left for a new page").isFalse();
            assertThat(d.submit(List.of(note("a", Notification.Kind.RESOLVED)))).isTrue();
            assertThat(d.submit(List.of(note("e", Notification.Kind.RESOLVED), note("f", Notification.Kind.RESOLVED))))
                    .as("resolves are kept beyond the capacity").isTrue();
            assertThat(metrics.counter("bulwark.alerting.notifications.dropped.gate").getCount()).isEqualTo(2);
            gate.release.countDown();

            Poll.until(Duration.ofSeconds(5), "delivered", () -> gate.got.size() == 5);
            assertThat(gate.got).extracting(n -> n.alert().fingerprint() + "/" + n.kind())
                    .containsExactly("0/TEST", "c/FIRING", "a/RESOLVED", "e/RESOLVED", "f/RESOLVED");
        }
    }

    @Test
    void waitingGroupsAreSentApartAndARefusedGroupIsRetriedWithoutTheOthers() throws Exception {
        List<String> sends = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Notifier groups = new Notifier() {
            @Override
            public String name() {
                return "groups";
            }

            @Override
            public void send(List<Notification> notifications) {
                throw new AssertionError("gets groups");
            }

            @Override
            public void send(NotificationGroup group) throws Exception {
                if (group.key().equals("first")) {
                    entered.countDown();
                    release.await(10, TimeUnit.SECONDS);
                }
                if (group.key().equals("b") && refusals.getAndIncrement() == 0) {
                    throw new java.io.IOException("refused once");
                }
                sends.add(group.key() + group.notifications().stream()
                        .map(n -> n.alert().fingerprint() + "/" + n.kind()).toList());
            }
        };
        MetricRegistry metrics = new MetricRegistry();
        try (Delivery d = new Delivery(groups, metrics, 10, 3, Duration.ofMillis(10), Duration.ofMillis(10),
                Threads.daemon("t"))) {
            d.submit(new NotificationGroup("first", Map.of(), List.of(note("0", Notification.Kind.TEST))));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            d.submit(new NotificationGroup("a", Map.of(), List.of(note("a1", Notification.Kind.FIRING),
                    note("a2", Notification.Kind.FIRING))));
            d.submit(new NotificationGroup("b", Map.of(), List.of(note("b1", Notification.Kind.FIRING))));
            d.submit(new NotificationGroup("a", Map.of(), List.of(note("a1", Notification.Kind.RESOLVED))));
            release.countDown();

            Poll.until(Duration.ofSeconds(5), "every group delivered", () -> sends.size() == 3);
            assertThat(sends).as("one send per group; b refused once, then retried alone")
                    .containsExactly("first[0/TEST]", "a[a2/FIRING, a1/RESOLVED]", "b[b1/FIRING]");
            assertThat(metrics.counter("bulwark.alerting.notifications.failed.groups").getCount()).isEqualTo(1);
            assertThat(metrics.counter("bulwark.alerting.notifications.sent.groups").getCount()).isEqualTo(3);
        }
    }
}
