package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testsupport.Poll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A real HTTP receiver that fails while an alert fires and resolves, then recovers: it never gets
 * the FIRING after the RESOLVED of the same episode (a stale retried FIRING would leave the alert
 * looking stuck).
 */
class DeliveryOrderIT {

    @Test
    void aFailingThenRecoveringReceiverNeverGetsFiringAfterResolved() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/alerts", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (failing.get()) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
            } else {
                for (JsonNode a : new ObjectMapper().readTree(body).get("alerts")) {
                    received.add(a.get("name").asText() + "/" + a.get("kind").asText());
                }
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.start();
        AtomicInteger depth = new AtomicInteger(500);
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts");
        try (AlertEngine engine = AlertEngine.builder(metrics)
                .settings(AlertingSettings.builder().notifier(new WebhookNotifier(url)).maxAttempts(50)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO)
                        .initialBackoff(Duration.ofMillis(300)).maxBackoff(Duration.ofMillis(300)).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build()).build()) {
            engine.evaluate();
            Poll.until(Duration.ofSeconds(30), "the FIRING was refused", () -> refused.get() >= 1);
            depth.set(0);
            assertThat(engine.evaluate()).extracting(Notification::kind).containsExactly(Notification.Kind.RESOLVED);
            Poll.until(Duration.ofSeconds(30), "the RESOLVED was refused too", () -> refused.get() >= 3);
            failing.set(false);

            Poll.until(Duration.ofSeconds(30), "delivered", () -> received.contains("HighQueueDepth/RESOLVED"));
            Poll.until(Duration.ofSeconds(5), "queue drained",
                    () -> metrics.getGauges().get("bulwark.alerting.queue.depth").getValue().equals(0));
            assertThat(received).containsExactly("HighQueueDepth/RESOLVED");
        } finally {
            receiver.stop(0);
        }
    }
}
