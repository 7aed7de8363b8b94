package dev.bulwark.alerting;

import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Periodic re-sending of firing alerts (as Alertmanager expects), and Slack's body on the wire. */
class ResendAndSlackTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));

    @Test
    void firingAlertsAreResentOnlyToNotifiersThatAskForIt() {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("depth", (Gauge<Integer>) () -> 500);
        RecordingNotifier am = RecordingNotifier.resendingFiring("am", Duration.ofMinutes(1));
        RecordingNotifier plain = new RecordingNotifier("plain");
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().notifier(am).notifier(plain)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO).build())
                .rules(RulePack.highQueueDepth("depth", 100).forDuration(Duration.ZERO).build()).build()) {
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "first delivery", () -> am.got.size() >= 1 && plain.got.size() == 1);
            int afterFirst = am.got.size();
            clock.advance(Duration.ofSeconds(30));
            engine.evaluate();
            clock.advance(Duration.ofSeconds(30));
            engine.evaluate();

            Poll.until(Duration.ofSeconds(5), "re-sent to the Alertmanager-like notifier", () -> am.got.size() > afterFirst);
            assertThat(am.got.get(am.got.size() - 1).kind()).isEqualTo(Notification.Kind.REPEAT);
            assertThat(plain.got).hasSize(1);
        }
    }

    /** A started stand-in for Slack's incoming webhook at /services/T/B/x, keeping every body it gets. */
    private static HttpServer slackRecordingInto(List<String> bodies) throws java.io.IOException {
        HttpServer slack = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slack.createContext("/services/T/B/x", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        slack.start();
        return slack;
    }

    @Test
    void slackGetsAJsonTextMessage() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer slack = slackRecordingInto(bodies);
        try {
            SlackNotifier notifier = new SlackNotifier(URI.create("http://127.0.0.1:" + slack.getAddress().getPort()
                    + "/services/T/B/x"));
            Alert alert = new Alert("f", "BackendDown", Severity.CRITICAL, java.util.Map.of(),
                    java.util.Map.of("summary", "Health check db is failing"), AlertState.FIRING, 0, null, null, null);
            notifier.send(List.of(new Notification(alert, Notification.Kind.FIRING)));
        } finally {
            slack.stop(0);
        }

        assertThat(new ObjectMapper().readTree(bodies.get(0)).get("text").asText())
                .isEqualTo(":rotating_light: *FIRING* `BackendDown` (critical): Health check db is failing");
    }

    @Test
    void slackGetsOneMessagePerGroupWithItsTitle() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer slack = slackRecordingInto(bodies);
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("q1", (Gauge<Integer>) () -> 500);
        metrics.register("q2", (Gauge<Integer>) () -> 500);
        SlackNotifier notifier = new SlackNotifier(URI.create("http://127.0.0.1:" + slack.getAddress().getPort()
                + "/services/T/B/x"));
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(notifier).build())
                .rules(RulePack.highQueueDepth("q1", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q2", 100).forDuration(Duration.ZERO).build()).build()) {
            engine.evaluate();
            clock.advance(AlertingSettings.DEFAULT_GROUP_WAIT);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(10), "one message", () -> bodies.size() == 1);
        } finally {
            slack.stop(0);
        }

        assertThat(new ObjectMapper().readTree(bodies.get(0)).get("text").asText().split("\n"))
                .containsExactly("*[FIRING:2] alertname=HighQueueDepth instance=pod-a*",
                        ":warning: *FIRING* `HighQueueDepth` (warning): Queue q1 depth 500 above 100",
                        ":warning: *FIRING* `HighQueueDepth` (warning): Queue q2 depth 500 above 100");
    }
}
