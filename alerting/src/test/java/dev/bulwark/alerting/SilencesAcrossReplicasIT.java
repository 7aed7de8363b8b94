package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one real PostgreSQL: a silence made or expired on one holds, or stops holding,
 * on the other at its next evaluation, although each evaluation reads only the version row unless
 * something changed.
 */
@RequiresService(Service.POSTGRESQL)
class SilencesAcrossReplicasIT {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    final AtomicInteger depth = new AtomicInteger();
    /** A leader lock of its own, so the silences of other tests in the shared table stay apart. */
    final String lock = "silences-it-" + UUID.randomUUID();
    /** Instance names of their own, so no alert state saved by an earlier run is restored. */
    final String podA = "pod-a-" + UUID.randomUUID().toString().substring(0, 8);
    final String podB = "pod-b-" + UUID.randomUUID().toString().substring(0, 8);

    AlertEngine replica(String instance, RecordingNotifier webhook) {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        return AlertEngine.builder(metrics).clock(clock).dataSource(StateInPostgresIT.postgres()).leaderLock(lock)
                .settings(AlertingSettings.builder().instance(instance).notifier(webhook)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build()).build();
    }

    @Test
    void aSilenceMadeOrExpiredOnOneReplicaHoldsOrEndsOnTheOtherAtItsNextEvaluation() {
        RecordingNotifier webhookA = new RecordingNotifier("webhook");
        RecordingNotifier webhookB = new RecordingNotifier("webhook");
        try (AlertEngine a = replica(podA, webhookA); AlertEngine b = replica(podB, webhookB)) {
            a.evaluate();
            b.evaluate();

            Silence onA = a.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plus(Duration.ofHours(1)),
                    "demo", "made on pod-a");
            depth.set(500);
            b.evaluate();
            assertThat(b.silences()).extracting(Silence::id).containsExactly(onA.id());
            assertThat(webhookB.got).as("pod-b honours pod-a's new silence at once").isEmpty();

            assertThat(a.expireSilence(onA.id())).isTrue();
            clock.advance(Duration.ofSeconds(15));
            b.evaluate();
            Poll.until(Duration.ofSeconds(5), "pod-b notifies once pod-a expired the silence", () -> webhookB.got.size() == 1);
            assertThat(webhookB.seen()).containsExactly("HighQueueDepth/FIRING");

            Silence onB = b.silence(Map.of("instance", podA), clock.instant().plus(Duration.ofHours(1)), "demo",
                    "made on pod-b");
            a.evaluate();
            assertThat(a.silences()).extracting(Silence::id).containsExactly(onB.id());
            assertThat(webhookA.got).as("pod-a honours pod-b's new silence at once").isEmpty();
            assertThat(b.expireSilence(onB.id())).isTrue();
            clock.advance(Duration.ofSeconds(15));
            a.evaluate();
            Poll.until(Duration.ofSeconds(5), "pod-a notifies once pod-b expired the silence", () -> webhookA.got.size() == 1);
            assertThat(a.silences()).isEmpty();
        }
    }
}
