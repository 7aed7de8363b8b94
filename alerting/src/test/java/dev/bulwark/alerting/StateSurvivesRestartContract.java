package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The restart contract every state store meets (files, H2, PostgreSQL): a restart during an
 * incident does not page again, a pending {@code for} timer keeps running, and a resolve queued
 * before the restart is delivered after it.
 */
abstract class StateSurvivesRestartContract {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    final AtomicInteger depth = new AtomicInteger();
    final String instance = "pod-" + UUID.randomUUID().toString().substring(0, 8);

    /** Where the engine keeps its state; the same place for every engine of one test. */
    abstract AlertEngine.Builder persisted(AlertEngine.Builder builder);

    /** The same place as a store, to plant and read documents. */
    abstract dev.bulwark.alerting.internal.StateStore store();

    /** Makes the document under a key look saved this much earlier, by the store's own clock. */
    abstract void age(String key, Duration by) throws Exception;

    /** Whether the document under a key was saved within the last hour, by the store's own clock. */
    abstract boolean savedWithinAnHour(String key);

    AlertEngine engine(RecordingNotifier receiver) {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        return persisted(AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().instance(instance).notifier(receiver).maxAttempts(2)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO)
                        .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(50)).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ofMinutes(2)).build()))
                .build();
    }

    @Test
    void aRestartDuringAnIncidentDoesNotPageAgain() {
        RecordingNotifier before = new RecordingNotifier("receiver");
        depth.set(500);
        Instant firing;
        try (AlertEngine engine = engine(before)) {
            engine.evaluate();
            clock.advance(Duration.ofMinutes(2));
            assertThat(engine.evaluate()).extracting(Notification::kind).containsExactly(Notification.Kind.FIRING);
            firing = clock.instant();
            Poll.until(Duration.ofSeconds(5), "paged", () -> before.got.size() == 1);
        }
        clock.advance(Duration.ofSeconds(30));
        RecordingNotifier after = new RecordingNotifier("receiver");
        try (AlertEngine restarted = engine(after)) {
            assertThat(restarted.evaluate()).isEmpty();
            assertThat(restarted.activeAlerts()).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo(AlertState.FIRING);
                assertThat(a.firingSince()).isEqualTo(firing);
            });
            depth.set(0);
            assertThat(restarted.evaluate()).extracting(Notification::kind).containsExactly(Notification.Kind.RESOLVED);
        }
    }

    @Test
    void aPendingForTimerKeepsRunningAcrossARestart() {
        depth.set(500);
        try (AlertEngine engine = engine(new RecordingNotifier("receiver"))) {
            engine.evaluate();
            assertThat(engine.activeAlerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.PENDING);
        }
        clock.advance(Duration.ofMinutes(2));
        try (AlertEngine restarted = engine(new RecordingNotifier("receiver"))) {
            assertThat(restarted.evaluate()).as("the 2 min grace period started before the restart")
                    .extracting(Notification::kind).containsExactly(Notification.Kind.FIRING);
        }
    }

    @Test
    void aResolveQueuedBeforeARestartIsDeliveredAfterIt() {
        RecordingNotifier before = new RecordingNotifier("receiver");
        depth.set(500);
        try (AlertEngine engine = engine(before)) {
            engine.evaluate();
            clock.advance(Duration.ofMinutes(2));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "paged", () -> before.got.size() == 1);
            before.down.set(true);
            depth.set(0);
            assertThat(engine.evaluate()).extracting(Notification::kind).containsExactly(Notification.Kind.RESOLVED);
            Poll.until(Duration.ofSeconds(5), "the resolve was refused at least twice",
                    () -> engine.activeAlerts().size() == 1 && before.got.size() == 1);
        }
        RecordingNotifier after = new RecordingNotifier("receiver");
        try (AlertEngine restarted = engine(after)) {
            Poll.until(Duration.ofSeconds(5), "the resolve delivered after the restart", () -> !after.got.isEmpty());
            assertThat(after.seen()).containsExactly("HighQueueDepth/RESOLVED");
            assertThat(restarted.evaluate()).isEmpty();
        }
    }

    @Test
    void theStateOfAReplicaGoneForAWeekIsDeletedAndAnIdleReplicaKeepsItsOwnFresh() throws Exception {
        String gone = "instance:gone-" + instance;
        String recent = "instance:recent-" + instance;
        String own = "instance:" + instance;
        store().save(gone, "{\"alerts\":[]}");
        store().save(recent, "{\"alerts\":[]}");
        age(gone, Duration.ofDays(8));
        age(recent, Duration.ofDays(6));
        try (AlertEngine engine = engine(new RecordingNotifier("receiver"))) {
            engine.evaluate(); // nothing fires: saved anyway (the first evaluation), then the sweep
            Poll.until(Duration.ofSeconds(5), "a week-old replica's state deleted", () -> store().load(gone).isEmpty());
            assertThat(store().load(recent)).as("six days old: kept").isPresent();
            assertThat(store().load(own)).isPresent();

            // idle for a day, nothing changed: its own state is saved again, so no replica deletes it
            age(own, Duration.ofDays(8));
            clock.advance(Duration.ofDays(1).plusMinutes(1));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "its own state refreshed", () -> savedWithinAnHour(own));
            assertThat(store().load(own)).isPresent();
        } finally {
            store().delete(recent);
            store().delete(own);
        }
    }
}
