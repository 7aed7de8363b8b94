package dev.bulwark.alerting;

import dev.bulwark.testsupport.Poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A real HTTP receiver that is down, then slow, then up: the alert arrives once it is up, with
 * the retries counted, signed; a dead webhook never delays another notifier.
 */
class WebhookDeliveryIT {

    static final byte[] SECRET = "a-webhook-secret-of-32-bytes!!!!".getBytes(StandardCharsets.US_ASCII);

    @Test
    void deliversAfterTheReceiverComesBackAndNeverBlocksOtherNotifiers() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) () -> 500);
        RecordingNotifier inMemory = new RecordingNotifier("memory");
        WebhookNotifier webhook = new WebhookNotifier("webhook", URI.create("http://127.0.0.1:" + port + "/alerts"), SECRET,
                Duration.ofMillis(500), Clock.systemUTC());
        try (AlertEngine engine = AlertEngine.builder(metrics)
                .settings(AlertingSettings.builder().notifier(webhook).notifier(inMemory).maxAttempts(40)
                        .groupWait(Duration.ZERO)
                        .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(400)).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build()).build()) {

            assertThat(engine.evaluate()).hasSize(1);
            Poll.until(Duration.ofSeconds(5), "the other notifier got the alert", () -> inMemory.got.size() == 1);
            Poll.until(Duration.ofSeconds(10), "retries while the receiver is down",
                    () -> metrics.counter("bulwark.alerting.notifications.retried.webhook").getCount() >= 2);

            AtomicReference<String> mode = new AtomicReference<>("slow");
            AtomicInteger slowAnswers = new AtomicInteger();
            List<String> bodies = new CopyOnWriteArrayList<>();
            List<String> signatures = new CopyOnWriteArrayList<>();
            List<String> timestamps = new CopyOnWriteArrayList<>();
            HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            receiver.createContext("/alerts", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if ("slow".equals(mode.get())) {
                    slowAnswers.incrementAndGet();
                    try {
                        Thread.sleep(1500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    bodies.add(new String(body, StandardCharsets.UTF_8));
                    signatures.add(exchange.getRequestHeaders().getFirst("X-Bulwark-Signature"));
                    timestamps.add(exchange.getRequestHeaders().getFirst("X-Bulwark-Timestamp"));
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            receiver.start();
            try {
                Poll.until(Duration.ofSeconds(10), "a slow answer timed out", () -> slowAnswers.get() >= 1);
                assertThat(bodies).isEmpty();
                mode.set("up");
                Poll.until(Duration.ofSeconds(15), "delivered once the receiver is up", () -> !bodies.isEmpty());
                Poll.until(Duration.ofSeconds(5), "counted as sent",
                        () -> metrics.counter("bulwark.alerting.notifications.sent.webhook").getCount() == 1);
            } finally {
                receiver.stop(0);
            }

            JsonNode payload = new ObjectMapper().readTree(bodies.get(0));
            assertThat(payload.get("alerts").get(0).get("name").asText()).isEqualTo("HighQueueDepth");
            assertThat(payload.get("alerts").get(0).get("kind").asText()).isEqualTo("FIRING");
            assertThat(payload.get("alerts").get(0).get("labels").get("queue").asText()).isEqualTo("queue.depth");
            assertThat(signatures.get(0)).isEqualTo("sha256=" + WebhookNotifier.sign(SECRET, timestamps.get(0),
                    bodies.get(0).getBytes(StandardCharsets.UTF_8)));
            assertThat(metrics.counter("bulwark.alerting.notifications.sent.webhook").getCount()).isEqualTo(1);
            assertThat(metrics.counter("bulwark.alerting.notifications.retried.webhook").getCount()).isGreaterThanOrEqualTo(3);
            assertThat(metrics.counter("bulwark.alerting.notifications.dropped.webhook").getCount()).isZero();
            assertThat(metrics.counter("bulwark.alerting.notifications.sent.memory").getCount()).isEqualTo(1);
        }
    }

    @Test
    void givesUpAfterTheCapAndCountsTheDrop() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        MetricRegistry metrics = new MetricRegistry();
        try (AlertEngine engine = AlertEngine.builder(metrics)
                .settings(AlertingSettings.builder().notifier(new WebhookNotifier(URI.create("http://127.0.0.1:" + port + "/")))
                        .maxAttempts(3).initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(20)).build())
                .build()) {
            assertThat(engine.sendTestAlert()).isEqualTo(1);

            Poll.until(Duration.ofSeconds(10), "dropped after 3 attempts",
                    () -> metrics.counter("bulwark.alerting.notifications.dropped.webhook").getCount() == 1);
            assertThat(metrics.counter("bulwark.alerting.notifications.failed.webhook").getCount()).isEqualTo(3);
            assertThat(metrics.counter("bulwark.alerting.notifications.retried.webhook").getCount()).isEqualTo(2);
        }
    }
}
