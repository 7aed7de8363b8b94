package dev.bulwark.alerting;

import dev.bulwark.testsupport.Poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A real Alertmanager (Debian's prometheus-alertmanager on loopback): the alert shows up, then resolves. */
@RequiresService(Service.ALERTMANAGER)
class AlertmanagerIT {

    final HttpClient http = HttpClient.newHttpClient();

    JsonNode alertsWithLabel(String run) {
        try {
            String filter = URLEncoder.encode("run=\"" + run + "\"", StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(TestServices.alertmanagerUrl()
                    + "/api/v2/alerts?filter=" + filter)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void firingAlertIsVisibleInAlertmanagerAndResolves() {
        String run = UUID.randomUUID().toString();
        AtomicInteger depth = new AtomicInteger(500);
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        try (AlertEngine engine = AlertEngine.builder(metrics)
                .settings(AlertingSettings.builder().notifier(new AlertmanagerNotifier(
                        URI.create(TestServices.alertmanagerUrl()), "http://bulwark.test/admin/alerts", Duration.ofSeconds(1)))
                        .build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).label("run", run).build())
                .build()) {
            engine.evaluate();

            Poll.until(Duration.ofSeconds(15), "alert visible in Alertmanager", () -> alertsWithLabel(run).size() == 1);
            JsonNode alert = alertsWithLabel(run).get(0);
            assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("HighQueueDepth");
            assertThat(alert.get("labels").get("severity").asText()).isEqualTo("warning");
            assertThat(alert.get("status").get("state").asText()).isIn("active", "unprocessed");
            assertThat(alert.get("annotations").get("summary").asText()).isEqualTo("Queue queue.depth depth 500 above 100");
            assertThat(alert.get("generatorURL").asText()).isEqualTo("http://bulwark.test/admin/alerts");

            depth.set(0);
            engine.evaluate();
            Poll.until(Duration.ofSeconds(15), "alert resolved in Alertmanager", () -> alertsWithLabel(run).isEmpty());
        }
    }
}
