package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Grouping against a real HTTP receiver, with Alertmanager's default timers (group_wait 30 s,
 * group_interval 5 min) on a manual clock: alerts that start together arrive as one signed POST
 * in Alertmanager's webhook format, a later alert and a resolve arrive with their group after the
 * group interval, and another group is a POST of its own.
 */
class GroupingIT {

    static final byte[] SECRET = "a-webhook-secret-of-32-bytes!!!!".getBytes(StandardCharsets.US_ASCII);
    static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    final Map<String, AtomicInteger> depth = Map.of("q1", new AtomicInteger(), "q2", new AtomicInteger(),
            "q3", new AtomicInteger(), "q4", new AtomicInteger(), "disk", new AtomicInteger());
    final List<JsonNode> posts = new CopyOnWriteArrayList<>();
    final List<Boolean> signedRight = new CopyOnWriteArrayList<>();
    HttpServer receiver;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/alerts", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst("X-Bulwark-Timestamp");
            signedRight.add(("sha256=" + WebhookNotifier.sign(SECRET, timestamp, body))
                    .equals(exchange.getRequestHeaders().getFirst("X-Bulwark-Signature")));
            posts.add(JSON.readTree(body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    AlertEngine engine() {
        MetricRegistry metrics = new MetricRegistry();
        depth.forEach((k, v) -> metrics.register(k, (Gauge<Integer>) v::get));
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts");
        return AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a")
                        .notifier(new WebhookNotifier("webhook", url, SECRET, Duration.ofSeconds(5), clock)).build())
                .rules(RulePack.highQueueDepth("q1", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q2", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q3", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q4", 100).forDuration(Duration.ZERO).build(),
                        AlertRule.builder("DiskFull").signal(Signals.gauge("disk")).above(0)
                                .forDuration(Duration.ZERO).summary("Disk full").build())
                .build();
    }

    static List<String> alerts(JsonNode post) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : post.get("alerts")) {
            out.add(a.get("labels").path("queue").asText(a.get("labels").get("alertname").asText()) + "/"
                    + a.get("status").asText());
        }
        return out;
    }

    @Test
    void alertsOfOneGroupArriveAsOneNotificationAndOtherGroupsApart() {
        assertThat(AlertingSettings.defaults().groupWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(AlertingSettings.defaults().groupInterval()).isEqualTo(Duration.ofMinutes(5));
        try (AlertEngine engine = engine()) {
            // Three alerts of one group start within group_wait, a fourth of another group too.
            depth.get("q1").set(500);
            depth.get("q2").set(500);
            engine.evaluate();
            clock.advance(Duration.ofSeconds(15));
            depth.get("q3").set(500);
            depth.get("disk").set(1);
            engine.evaluate();
            assertThat(posts).as("nothing before group_wait").isEmpty();
            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(10), "the queue group", () -> posts.size() == 1);
            JsonNode first = posts.get(0);
            assertThat(first.get("version").asText()).isEqualTo("4");
            assertThat(first.get("status").asText()).isEqualTo("firing");
            assertThat(first.get("receiver").asText()).isEqualTo("webhook");
            assertThat(first.get("groupKey").asText()).isEqualTo("{}:{alertname=\"HighQueueDepth\", instance=\"pod-a\"}");
            assertThat(first.get("groupLabels").properties()).hasSize(2);
            assertThat(first.get("groupLabels").get("alertname").asText()).isEqualTo("HighQueueDepth");
            assertThat(first.get("commonLabels").get("instance").asText()).isEqualTo("pod-a");
            assertThat(first.get("commonLabels").has("queue")).as("differs between the alerts").isFalse();
            assertThat(alerts(first)).containsExactly("q1/firing", "q2/firing", "q3/firing");
            assertThat(first.get("alerts").get(0).get("fingerprint").asText()).isNotBlank();
            assertThat(first.get("alerts").get(0).get("startsAt").asText()).isEqualTo("2026-11-26T12:00:00Z");

            // The other group started 15 s later: its own group_wait, its own POST.
            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(10), "the disk group", () -> posts.size() == 2);
            assertThat(posts.get(1).get("groupLabels").get("alertname").asText()).isEqualTo("DiskFull");
            assertThat(alerts(posts.get(1))).containsExactly("DiskFull/firing");
            assertThat(posts.get(1).get("commonAnnotations").get("summary").asText()).isEqualTo("Disk full");

            // A fourth alert joins the notified group (sent at 12:00:30): it waits for the group
            // interval (12:05:30) and comes with the group's alerts.
            clock.advance(Duration.ofMinutes(1));
            depth.get("q4").set(500);
            engine.evaluate();
            clock.advance(Duration.ofMinutes(3).plusSeconds(44));
            engine.evaluate();
            assertThat(posts).hasSize(2);
            clock.advance(Duration.ofSeconds(1));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(10), "the group with the fourth alert", () -> posts.size() == 3);
            assertThat(alerts(posts.get(2))).containsExactly("q1/firing", "q2/firing", "q3/firing", "q4/firing");

            // Two alerts resolve: one notification at the next group interval, still firing (two remain).
            depth.get("q1").set(0);
            depth.get("q2").set(0);
            clock.advance(Duration.ofMinutes(1));
            engine.evaluate();
            assertThat(posts).hasSize(3);
            clock.advance(Duration.ofMinutes(4));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(10), "the resolves, grouped", () -> posts.size() == 4);
            JsonNode resolved = posts.get(3);
            assertThat(alerts(resolved)).containsExactly("q3/firing", "q4/firing", "q1/resolved", "q2/resolved");
            assertThat(resolved.get("status").asText()).isEqualTo("firing");
            assertThat(resolved.get("alerts").get(2).get("endsAt").asText()).isEqualTo("2026-11-26T12:06:30Z");

            // Nothing changes for another interval: nothing is sent (the repeat is 4 h away).
            clock.advance(Duration.ofMinutes(5));
            engine.evaluate();
            assertThat(posts).hasSize(4);
            assertThat(signedRight).hasSize(4).containsOnly(true);
        }
    }
}
