package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of a service, each sending to both members of a real two-Alertmanager HA cluster
 * (own processes on loopback) through {@code ALERT_ALERTMANAGER_URL=a,b}: the receiver behind the
 * cluster gets one notification per alert, and one replica's resolve ends only its own alert.
 * The cluster's {@code group_interval} (3 s) is longer than its peer timeout (0.5 s), as in any
 * real setup: with the reverse, the second member's stale flush re-pages after a resolve (an
 * Alertmanager HA race this test first ran into).
 */
@RequiresService(Service.ALERTMANAGER)
class AlertmanagerHaIT {

    record Received(String status, String alertname, String instance) {
    }

    @Test
    void everyAlertmanagerGetsEveryAlertAndTheReceiverIsPagedOncePerAlert() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/am", exchange -> {
            JsonNode body = new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes());
            JsonNode labels = body.get("commonLabels");
            received.add(new Received(body.get("status").asText(), labels.path("alertname").asText(),
                    labels.path("instance").asText()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/am");
        try (AlertmanagerCluster cluster = AlertmanagerCluster.start(2, hook, Duration.ofMillis(500))) {
            Map<String, String> env = new HashMap<>();
            env.put("ALERT_ALERTMANAGER_URL", String.join(",", cluster.urls()));
            env.put("ALERT_LOG", "false");
            env.put("ALERT_EVALUATION_INTERVAL_SECONDS", "1");
            AtomicInteger depthA = new AtomicInteger(500);
            AtomicInteger depthB = new AtomicInteger(500);
            try (AlertEngine a = replica(env, "pod-a", depthA); AlertEngine b = replica(env, "pod-b", depthB)) {
                assertThat(AlertingSettings.fromEnvironment(env).notifiers()).extracting(Notifier::name)
                        .containsExactly("alertmanager", "alertmanager-2");
                a.start();
                b.start();
                for (String url : cluster.urls()) {
                    Poll.until(Duration.ofSeconds(15), "both replicas' alerts in " + url,
                            () -> activeInstances(url).containsAll(List.of("pod-a", "pod-b")));
                }
                Poll.until(Duration.ofSeconds(20), "both alerts notified", () -> count(received, "firing", "pod-a") >= 1
                        && count(received, "firing", "pod-b") >= 1);
                // Five more re-sends to each member (longer than the peer timeout): the second stays quiet.
                resentAgain(5, "pod-a", "pod-b");
                assertThat(count(received, "firing", "pod-a")).as("pages for pod-a: %s", received).isEqualTo(1);
                assertThat(count(received, "firing", "pod-b")).as("pages for pod-b: %s", received).isEqualTo(1);
                assertThat(received).noneMatch(r -> r.status().equals("resolved"));

                depthA.set(0);
                Poll.until(Duration.ofSeconds(20), "pod-a resolved at the receiver",
                        () -> count(received, "resolved", "pod-a") >= 1);
                resentAgain(4, "pod-b");
                assertThat(count(received, "resolved", "pod-a")).as("%s", received).isEqualTo(1);
                assertThat(count(received, "resolved", "pod-b")).as("pod-b still sees its condition").isZero();
                assertThat(count(received, "firing", "pod-a")).as("no re-page after the resolve").isEqualTo(1);
                for (String url : cluster.urls()) {
                    assertThat(activeInstances(url)).containsExactly("pod-b");
                }
            }
        } finally {
            receiver.stop(0);
        }
    }

    final Map<String, MetricRegistry> registries = new java.util.concurrent.ConcurrentHashMap<>();

    /** Waits until every replica re-sent its firing alert {@code times} more times to every Alertmanager. */
    void resentAgain(int times, String... instances) {
        Map<String, Long> before = new HashMap<>();
        registries.forEach((instance, m) -> m.getCounters().forEach((name, c) -> before.put(instance + name, c.getCount())));
        Poll.until(Duration.ofSeconds(30), times + " more sends per replica and Alertmanager", () -> {
            boolean[] all = {true};
            registries.forEach((instance, m) -> {
                if (!List.of(instances).contains(instance)) {
                    return;
                }
                for (String am : List.of("alertmanager", "alertmanager-2")) {
                    String name = "bulwark.alerting.notifications.sent." + am;
                    if (m.counter(name).getCount() < before.getOrDefault(instance + name, 0L) + times) {
                        all[0] = false;
                    }
                }
            });
            return all[0];
        });
    }

    static long count(List<Received> received, String status, String instance) {
        return received.stream().filter(r -> r.status().equals(status) && r.instance().equals(instance)
                && r.alertname().equals("HighQueueDepth")).count();
    }

    AlertEngine replica(Map<String, String> env, String instance, AtomicInteger depth) {
        MetricRegistry metrics = new MetricRegistry();
        registries.put(instance, metrics);
        metrics.register("orders.depth", (Gauge<Integer>) depth::get);
        Map<String, String> own = new HashMap<>(env);
        own.put("ALERT_INSTANCE", instance);
        AlertingSettings settings = AlertingSettings.fromEnvironment(own);
        List<Notifier> fast = settings.notifiers().stream().map(n -> (Notifier) new AlertmanagerNotifier(n.name(),
                URI.create(((AlertmanagerNotifier) n).baseUrl()), null, Duration.ofSeconds(1))).toList();
        return AlertEngine.builder(metrics).settings(settings.toBuilder().notifiers(fast).build())
                .rules(RulePack.highQueueDepth("orders.depth", 100).forDuration(Duration.ZERO).build()).build();
    }

    static List<String> activeInstances(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                    + "/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=alertname%3D%22HighQueueDepth%22"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            List<String> out = new java.util.ArrayList<>();
            for (JsonNode alert : new ObjectMapper().readTree(r.body())) {
                out.add(alert.get("labels").get("instance").asText());
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
