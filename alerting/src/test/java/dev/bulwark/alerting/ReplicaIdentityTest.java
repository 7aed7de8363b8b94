package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two replicas of one service: their alerts carry distinct {@code instance} labels and fingerprints. */
class ReplicaIdentityTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));

    AlertEngine replica(String instance, MetricRegistry metrics) {
        return AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().instance(instance).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build(),
                        AlertRule.builder("SharedDatabaseDown").signal(Signals.gauge("queue.depth")).above(100)
                                .clusterScoped().summary("on {{labels.instance}}").build())
                .build();
    }

    @Test
    void twoReplicasNeverSendTheSameLabelSetForTheirOwnObservations() {
        MetricRegistry a = new MetricRegistry();
        MetricRegistry b = new MetricRegistry();
        a.register("queue.depth", (Gauge<Integer>) () -> 500);
        b.register("queue.depth", (Gauge<Integer>) () -> 700);
        try (AlertEngine first = replica("pod-a", a); AlertEngine second = replica("pod-b", b)) {
            List<Notification> fromA = first.evaluate();
            List<Notification> fromB = second.evaluate();

            assertThat(fromA).hasSize(2).allSatisfy(n -> assertThat(n.alert().labels()).containsEntry("instance", "pod-a"));
            assertThat(fromB).hasSize(2).allSatisfy(n -> assertThat(n.alert().labels()).containsEntry("instance", "pod-b"));
            assertThat(fromA).extracting(n -> n.alert().labels())
                    .doesNotContainAnyElementsOf(fromB.stream().map(n -> n.alert().labels()).toList());
            assertThat(fromA).extracting(n -> n.alert().fingerprint())
                    .doesNotContainAnyElementsOf(fromB.stream().map(n -> n.alert().fingerprint()).toList());
            assertThat(fromA).filteredOn(n -> n.alert().name().equals("SharedDatabaseDown")).singleElement()
                    .satisfies(n -> assertThat(n.alert().annotations()).containsEntry("summary", "on pod-a"));
        }
    }

    @Test
    void evaluationErrorsAndTheTestAlertCarryTheInstanceToo() {
        MetricRegistry metrics = new MetricRegistry();
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").build())
                .rules(AlertRule.builder("Broken").signal(Signals.gauge("missing")).above(1).build()).build()) {
            assertThat(engine.evaluate()).singleElement().satisfies(n -> assertThat(n.alert().labels())
                    .containsEntry("alertname", "RuleEvaluationFailed").containsEntry("instance", "pod-a"));
        }
    }

    @Test
    void theInstanceDefaultsToThePodNameThenToHostAndDirectory() {
        assertThat(AlertingSettings.fromEnvironment(Map.of("HOSTNAME", "orders-7d9f-x2x")).instance())
                .isEqualTo("orders-7d9f-x2x");
        assertThat(AlertingSettings.fromEnvironment(Map.of("HOSTNAME", "pod", "ALERT_INSTANCE", "10.0.0.7:8080"))
                .instance()).isEqualTo("10.0.0.7:8080");
        assertThat(AlertingSettings.fromEnvironment(Map.of()).instance()).matches("[A-Za-z0-9._:-]+:[0-9a-f]{6}");
    }

    /** Prints the default instance name of a process started without HOSTNAME or ALERT_INSTANCE. */
    public static final class DefaultInstanceChild {
        public static void main(String[] args) {
            System.out.println(AlertingSettings.fromEnvironment(Map.of()).instance());
        }
    }

    private static String defaultInstanceOfAProcessIn(java.nio.file.Path directory) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DefaultInstanceChild.class.getName())
                .directory(directory.toFile()).redirectErrorStream(false);
        pb.environment().remove("HOSTNAME");
        pb.environment().remove("ALERT_INSTANCE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void theDefaultInstanceOutlivesARestartSoTheSavedStateIsFoundAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path other)
            throws Exception {
        java.nio.file.Path here = java.nio.file.Path.of(System.getProperty("user.dir"));
        String first = defaultInstanceOfAProcessIn(here);
        String restarted = defaultInstanceOfAProcessIn(here);
        assertThat(restarted).as("the same service restarted (a new process id)").isEqualTo(first).isNotBlank();
        assertThat(defaultInstanceOfAProcessIn(other)).as("another service on this host").isNotEqualTo(first);
    }

    @Test
    void aBadInstanceOrAnInstanceLabelOnARuleIsRefused() {
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_INSTANCE", "pod a")))
                .hasMessageContaining("instance (ALERT_INSTANCE)").hasMessageContaining("'pod a'");
        assertThatThrownBy(() -> AlertRule.builder("X").signal(Signals.gauge("g")).above(1).label("instance", "i").build())
                .hasMessageContaining("label 'instance' is set by the rule itself");
    }
}
