package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.alerting.internal.Grouper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The aggregation groups alone: what a flush sends for alerts a group did or did not see fire. */
class GrouperTest {

    final Instant t0 = Instant.parse("2026-11-26T12:00:00Z");
    final Grouper grouper = new Grouper(List.of("alertname"), Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofHours(4));
    final List<NotificationGroup> out = new ArrayList<>();

    static Notification note(String name, String fingerprint, AlertState state) {
        Instant t = Instant.parse("2026-11-26T11:00:00Z");
        Notification.Kind kind = state == AlertState.RESOLVED ? Notification.Kind.RESOLVED : Notification.Kind.FIRING;
        return new Notification(new Alert(fingerprint, name, Severity.CRITICAL, Map.of("alertname", name), Map.of(),
                state, 1, t, t, state == AlertState.RESOLVED ? t : null), kind);
    }

    @Test
    void theResolveOfAnAlertAnotherReplicaNotifiedIsSent() {
        // A new leader took over a cluster-scoped alert that the old leader had paged for: its
        // groups never saw the alert fire, the engine vouches that it was notified.
        grouper.add(List.of(note("BackupTooOld", "b", AlertState.RESOLVED)), t0);
        grouper.flushDue(t0.plusSeconds(30), labels -> false, out::add);

        assertThat(out).singleElement().satisfies(g -> {
            assertThat(g.status()).isEqualTo("resolved");
            assertThat(g.notifications()).extracting(Notification::kind).containsExactly(Notification.Kind.RESOLVED);
        });
    }

    @Test
    void aForgottenAlertIsNeitherRepeatedNorResolvedByThisReplica() {
        grouper.add(List.of(note("BackupTooOld", "b", AlertState.FIRING), note("BackupTooOld", "c", AlertState.FIRING)), t0);
        grouper.flushDue(t0.plusSeconds(30), labels -> false, out::add);
        grouper.forget(Set.of("b"));
        grouper.flushDue(t0.plus(Duration.ofHours(5)), labels -> false, out::add);

        assertThat(out).hasSize(2);
        assertThat(out.get(1).notifications()).extracting(n -> n.alert().fingerprint() + "/" + n.kind())
                .containsExactly("c/REPEAT");
    }

    @Test
    void savedGroupsResumeTheirTimerAndWhatTheReceiverWasTold() {
        grouper.add(List.of(note("A", "a", AlertState.FIRING)), t0);
        grouper.flushDue(t0.plusSeconds(30), labels -> false, out::add);
        grouper.add(List.of(note("A", "a2", AlertState.FIRING)), t0.plusSeconds(60));

        Grouper restored = new Grouper(List.of("alertname"), Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofHours(4));
        assertThat(restored.restore(grouper.toJson(), t0.plusSeconds(90))).isEqualTo(2);
        List<NotificationGroup> after = new ArrayList<>();
        restored.flushDue(t0.plusSeconds(329), labels -> false, after::add);
        assertThat(after).as("the group interval runs on").isEmpty();
        restored.flushDue(t0.plusSeconds(330), labels -> false, after::add);
        assertThat(after).singleElement().satisfies(g -> assertThat(g.notifications())
                .extracting(n -> n.alert().fingerprint() + "/" + n.kind()).containsExactly("a/REPEAT", "a2/FIRING"));
    }
}
