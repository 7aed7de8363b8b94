package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grouping for the direct notifiers with Alertmanager's timers, on a manual clock: group_wait,
 * group_interval, repeat_interval, group_by, and how it composes with silences, the
 * Alertmanager notifier and a restart.
 */
class GroupingTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration INTERVAL = Duration.ofMinutes(5);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    /** The registry of the engine built last. */
    MetricRegistry metrics = new MetricRegistry();
    final Map<String, AtomicInteger> depth = Map.of("q1", new AtomicInteger(), "q2", new AtomicInteger(),
            "q3", new AtomicInteger(), "q4", new AtomicInteger(), "disk", new AtomicInteger());

    AlertingSettings.Builder settings(Notifier... notifiers) {
        AlertingSettings.Builder b = AlertingSettings.builder().instance("pod-a").groupWait(WAIT).groupInterval(INTERVAL)
                .repeatInterval(Duration.ofHours(4));
        for (Notifier n : notifiers) {
            b.notifier(n);
        }
        return b;
    }

    AlertEngine.Builder engine(AlertingSettings settings) {
        metrics = new MetricRegistry();
        depth.forEach((k, v) -> metrics.register(k, (Gauge<Integer>) v::get));
        return AlertEngine.builder(metrics).clock(clock).settings(settings)
                .rules(RulePack.highQueueDepth("q1", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q2", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q3", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q4", 100).forDuration(Duration.ZERO).build(),
                        AlertRule.builder("DiskFull").signal(Signals.gauge("disk")).above(0)
                                .forDuration(Duration.ZERO).build());
    }

    void fire(String... queues) {
        for (String q : queues) {
            depth.get(q).set(500);
        }
    }

    void calm(String... queues) {
        for (String q : queues) {
            depth.get(q).set(0);
        }
    }

    /** After an evaluation, what it handed to the delivery queues is already there: nothing to wait for. */
    void assertNothingQueuedOrSent(AlertEngine engine, RecordingNotifier receiver, int before) {
        assertThat(metrics.getGauges().get("bulwark.alerting.queue.depth").getValue()).isEqualTo(0);
        assertThat(receiver.groups).hasSize(before);
    }

    @Test
    void alertsThatStartWithinGroupWaitGoOutAsOneNotification() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).build()).build()) {
            fire("q1", "q2");
            engine.evaluate();
            clock.advance(Duration.ofSeconds(10));
            fire("q3");
            engine.evaluate();
            clock.advance(Duration.ofSeconds(19));
            engine.evaluate();
            assertNothingQueuedOrSent(engine, webhook, 0);

            clock.advance(Duration.ofSeconds(1));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "the group sent", () -> webhook.groups.size() == 1);
            NotificationGroup g = webhook.groups.get(0);
            assertThat(g.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "HighQueueDepth", "instance", "pod-a"));
            assertThat(g.key()).isEqualTo("{}:{alertname=\"HighQueueDepth\", instance=\"pod-a\"}");
            assertThat(webhook.seenGroups()).singleElement().asString().contains("[q1/FIRING, q2/FIRING, q3/FIRING]");
        }
    }

    @Test
    void anAlertJoiningANotifiedGroupWaitsForTheGroupIntervalAndComesWithTheGroup() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).build()).build()) {
            fire("q1", "q2", "q3");
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "first notification", () -> webhook.groups.size() == 1);

            clock.advance(Duration.ofSeconds(30));
            fire("q4");
            engine.evaluate();
            clock.advance(INTERVAL.minusSeconds(31));
            engine.evaluate();
            assertNothingQueuedOrSent(engine, webhook, 1);

            clock.advance(Duration.ofSeconds(1));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "second notification", () -> webhook.groups.size() == 2);
            assertThat(webhook.seenGroups().get(1)).contains("[q1/REPEAT, q2/REPEAT, q3/REPEAT, q4/FIRING]");
        }
    }

    @Test
    void aResolveGoesOutWithTheGroupAtItsNextIntervalAndAnEmptiedGroupEnds() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).build()).build()) {
            fire("q1", "q2");
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "first notification", () -> webhook.groups.size() == 1);

            calm("q1");
            clock.advance(Duration.ofMinutes(1));
            engine.evaluate();
            assertNothingQueuedOrSent(engine, webhook, 1);
            clock.advance(INTERVAL.minusMinutes(1));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "the resolve, grouped", () -> webhook.groups.size() == 2);
            assertThat(webhook.seenGroups().get(1)).contains("[q2/REPEAT, q1/RESOLVED]");
            assertThat(webhook.groups.get(1).status()).isEqualTo("firing");

            calm("q2");
            clock.advance(INTERVAL);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "the last resolve", () -> webhook.groups.size() == 3);
            assertThat(webhook.seenGroups().get(2)).contains("[q2/RESOLVED]");
            assertThat(webhook.groups.get(2).status()).isEqualTo("resolved");

            fire("q3");
            clock.advance(Duration.ofSeconds(1));
            engine.evaluate();
            assertNothingQueuedOrSent(engine, webhook, 3);
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "a new group waits group_wait again", () -> webhook.groups.size() == 4);
        }
    }

    @Test
    void anAlertThatFiresAndResolvesWithinGroupWaitIsNeverSent() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).build()).build()) {
            fire("q1");
            engine.evaluate();
            calm("q1");
            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            clock.advance(INTERVAL);
            engine.evaluate();
            assertNothingQueuedOrSent(engine, webhook, 0);
        }
    }

    @Test
    void anUnchangedGroupIsSentAgainAfterTheRepeatInterval() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).repeatInterval(Duration.ofMinutes(20)).build()).build()) {
            fire("q1", "q2");
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "first notification", () -> webhook.groups.size() == 1);
            for (int i = 0; i < 3; i++) {
                clock.advance(INTERVAL);
                engine.evaluate();
            }
            assertNothingQueuedOrSent(engine, webhook, 1);
            clock.advance(INTERVAL);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "repeated at the first group interval after 20 min",
                    () -> webhook.groups.size() == 2);
            assertThat(webhook.seenGroups().get(1)).contains("[q1/REPEAT, q2/REPEAT]");
        }
    }

    @Test
    void differentGroupsAreSentApart() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).build()).build()) {
            fire("q1", "q2", "disk");
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "two groups", () -> webhook.groups.size() == 2);
            assertThat(webhook.groups).extracting(g -> g.labels().get("alertname"))
                    .containsExactlyInAnyOrder("HighQueueDepth", "DiskFull");
            assertThat(webhook.groups).extracting(g -> g.notifications().size()).containsExactlyInAnyOrder(2, 1);
        }
    }

    @Test
    void groupByEveryLabelMakesEachAlertAGroupAndAnEmptyListMakesOne() {
        RecordingNotifier each = new RecordingNotifier("each");
        try (AlertEngine engine = engine(settings(each).groupBy(List.of("...")).build()).build()) {
            fire("q1", "q2", "disk");
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "three groups", () -> each.groups.size() == 3);
            assertThat(each.groups).allSatisfy(g -> assertThat(g.notifications()).hasSize(1));
        }
        RecordingNotifier one = new RecordingNotifier("one");
        calm("q1", "q2", "disk");
        clock.advance(Duration.ofHours(1));
        try (AlertEngine engine = engine(settings(one).groupBy(List.of()).build()).build()) {
            fire("q1", "q2", "disk");
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "one group", () -> one.groups.size() == 1);
            assertThat(one.groups.get(0).notifications()).hasSize(3);
            assertThat(one.groups.get(0).key()).isEqualTo("{}:{}");
        }
    }

    @Test
    void alertmanagerIsNotGroupedAndGetsEveryAlertAtOnce() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        RecordingNotifier alertmanager = RecordingNotifier.routingItself("am");
        try (AlertEngine engine = engine(settings(webhook, alertmanager).build()).build()) {
            fire("q1");
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "Alertmanager got it at once", () -> alertmanager.groups.size() == 1);
            clock.advance(Duration.ofSeconds(10));
            fire("q2");
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "and the next one", () -> alertmanager.groups.size() == 2);
            assertThat(webhook.groups).as("the webhook waits for group_wait").isEmpty();
        }
    }

    @Test
    void aRepeatLeavesOutAnAlertSilencedAfterItWasNotified() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).repeatInterval(Duration.ofMinutes(10)).build()).build()) {
            fire("q1", "q2");
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "first notification", () -> webhook.groups.size() == 1);
            engine.silence(Map.of("queue", "q1"), clock.instant().plus(Duration.ofHours(2)), "demo", "known");

            clock.advance(INTERVAL);
            engine.evaluate();
            clock.advance(INTERVAL);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "repeat", () -> webhook.groups.size() == 2);
            assertThat(webhook.seenGroups().get(1)).contains("[q2/REPEAT]");
        }
    }

    @Test
    void aStartedEngineFlushesAGroupWhenItsTimerIsDueWithoutAnEvaluation() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).evaluationInterval(Duration.ofHours(1)).build()).build()) {
            fire("q1");
            engine.evaluate();
            engine.start();
            clock.advance(WAIT);
            Poll.until(Duration.ofSeconds(10), "flushed by the group timer", () -> webhook.groups.size() == 1);
        }
    }

    @Test
    void theLogIsNotGroupedWhileWebhookSlackAndEmailAre() {
        assertThat(new LogNotifier().grouped()).isFalse();
        assertThat(new WebhookNotifier(java.net.URI.create("http://127.0.0.1:1/")).grouped()).isTrue();
        assertThat(new SlackNotifier(java.net.URI.create("http://127.0.0.1:1/")).grouped()).isTrue();
        assertThat(EmailNotifier.smtp("127.0.0.1", 25, "a@b.test", List.of("c@d.test"), null, null).grouped()).isTrue();
        assertThat(new AlertmanagerNotifier(java.net.URI.create("http://127.0.0.1:1/")).grouped()).isFalse();
    }

    @TempDir
    Path dataDir;

    @Test
    void anAlertWaitingForGroupWaitAtARestartIsSentOnceAfterIt() {
        RecordingNotifier before = new RecordingNotifier("webhook");
        fire("q1");
        try (AlertEngine engine = engine(settings(before).build()).stateDirectory(dataDir).build()) {
            engine.evaluate();
        }
        assertThat(before.groups).isEmpty();
        RecordingNotifier after = new RecordingNotifier("webhook");
        clock.advance(WAIT);
        try (AlertEngine restarted = engine(settings(after).build()).stateDirectory(dataDir).build()) {
            assertThat(restarted.evaluate()).as("the alert was restored firing").isEmpty();
            Poll.until(Duration.ofSeconds(5), "sent after the restart", () -> after.groups.size() == 1);
            clock.advance(INTERVAL);
            restarted.evaluate();
            assertNothingQueuedOrSent(restarted, after, 1);
            assertThat(after.seenGroups()).singleElement().asString().contains("[q1/FIRING]");
        }
    }

    @Test
    void aResolveWaitingForTheGroupIntervalAtARestartIsDeliveredAfterIt() {
        RecordingNotifier before = new RecordingNotifier("webhook");
        fire("q1", "q2");
        try (AlertEngine engine = engine(settings(before).build()).stateDirectory(dataDir).build()) {
            engine.evaluate();
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "paged", () -> before.groups.size() == 1);
            calm("q1");
            clock.advance(Duration.ofMinutes(1));
            engine.evaluate();
        }
        assertThat(before.groups).hasSize(1);
        RecordingNotifier after = new RecordingNotifier("webhook");
        clock.advance(INTERVAL);
        try (AlertEngine restarted = engine(settings(after).build()).stateDirectory(dataDir).build()) {
            assertThat(restarted.evaluate()).isEmpty();
            Poll.until(Duration.ofSeconds(5), "the resolve after the restart", () -> after.groups.size() == 1);
            assertThat(after.seenGroups().get(0)).contains("[q2/REPEAT, q1/RESOLVED]");
            clock.advance(INTERVAL);
            restarted.evaluate();
            assertNothingQueuedOrSent(restarted, after, 1);
        }
    }

    @Test
    void aResolveOfAGroupRefusedByTheReceiverIsRetriedAndNeverFollowedByItsFiring() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        try (AlertEngine engine = engine(settings(webhook).initialBackoff(Duration.ofMillis(20))
                .maxBackoff(Duration.ofMillis(50)).maxAttempts(100).build()).build()) {
            fire("q1");
            engine.evaluate();
            webhook.down.set(true);
            clock.advance(WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "the FIRING refused",
                    () -> metrics.counter("bulwark.alerting.notifications.failed.webhook").getCount() >= 1);
            calm("q1");
            clock.advance(INTERVAL);
            engine.evaluate();
            webhook.down.set(false);
            Poll.until(Duration.ofSeconds(5), "delivered", () -> !webhook.groups.isEmpty()
                    && metrics.getGauges().get("bulwark.alerting.queue.depth").getValue().equals(0));
            assertThat(webhook.seenGroups()).containsExactly("{alertname=HighQueueDepth, instance=pod-a} [q1/RESOLVED]");
        }
    }
}
