package dev.bulwark.alerting.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.alerting.Alert;
import dev.bulwark.alerting.AlertState;
import dev.bulwark.alerting.Notification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** JSON bodies and the HTTP POST the HTTP notifiers share. */
public final class Payloads {

    /** Shared mapper. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /**
     * The generic webhook body.
     *
     * @param group notifications
     * @param now send time
     * @return {@code {"version":"1","sentAt":..,"alerts":[...]}}
     */
    public static ObjectNode webhook(List<Notification> group, Instant now) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1");
        root.put("sentAt", now.toString());
        ArrayNode alerts = root.putArray("alerts");
        for (Notification n : group) {
            Alert a = n.alert();
            ObjectNode o = alerts.addObject();
            o.put("name", a.name());
            o.put("kind", n.kind().name());
            o.put("state", a.state().name());
            o.put("severity", a.severity().label());
            o.put("fingerprint", a.fingerprint());
            if (!Double.isNaN(a.value()) && !Double.isInfinite(a.value())) {
                o.put("value", a.value());
            }
            o.set("labels", JSON.valueToTree(a.labels()));
            o.set("annotations", JSON.valueToTree(a.annotations()));
            putTime(o, "startsAt", a.firingSince() != null ? a.firingSince() : a.activeSince());
            putTime(o, "endsAt", a.resolvedAt());
        }
        return root;
    }

    /**
     * The Alertmanager API v2 body: an array of postable alerts.
     *
     * @param group notifications
     * @param generatorUrl link back to the service, or null
     * @return the array
     */
    public static ArrayNode alertmanager(List<Notification> group, String generatorUrl) {
        ArrayNode array = JSON.createArrayNode();
        for (Notification n : group) {
            Alert a = n.alert();
            ObjectNode o = array.addObject();
            o.set("labels", JSON.valueToTree(a.labels()));
            o.set("annotations", JSON.valueToTree(a.annotations()));
            putTime(o, "startsAt", a.firingSince() != null ? a.firingSince() : a.activeSince());
            if (a.state() == AlertState.RESOLVED && a.resolvedAt() != null) {
                putTime(o, "endsAt", a.resolvedAt());
            }
            if (generatorUrl != null) {
                o.put("generatorURL", generatorUrl);
            }
        }
        return array;
    }

    private static void putTime(ObjectNode o, String field, Instant t) {
        if (t != null) {
            o.put(field, t.toString());
        }
    }

    /**
     * POSTs a body and fails unless the answer is 2xx.
     *
     * @param client HTTP client
     * @param uri target
     * @param body bytes
     * @param timeout request timeout
     * @param headers extra header name/value pairs
     * @throws IOException on a transport error or a non-2xx answer
     * @throws InterruptedException when interrupted
     */
    public static void post(HttpClient client, URI uri, byte[] body, Duration timeout, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String text = response.body() == null ? "" : response.body();
            throw new IOException(uri.getHost() + " answered " + response.statusCode() + ": "
                    + text.substring(0, Math.min(200, text.length())));
        }
    }
}
