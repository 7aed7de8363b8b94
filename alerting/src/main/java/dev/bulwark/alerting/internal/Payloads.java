package dev.bulwark.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.alerting.Alert;
import dev.bulwark.alerting.AlertState;
import dev.bulwark.alerting.Notification;
import dev.bulwark.alerting.NotificationGroup;
import dev.bulwark.alerting.Severity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON bodies and the HTTP POST the HTTP notifiers share. */
public final class Payloads {

    /** Shared mapper. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /**
     * The webhook body: Alertmanager's webhook format (version 4: {@code groupKey},
     * {@code status}, {@code receiver}, {@code groupLabels}, {@code commonLabels},
     * {@code commonAnnotations}, {@code alerts[]} with {@code status}, {@code labels},
     * {@code annotations}, {@code startsAt}, {@code endsAt}, {@code fingerprint}) plus Bulwark's
     * own fields ({@code sentAt}; per alert {@code name}, {@code kind}, {@code state},
     * {@code severity}, {@code value}).
     *
     * @param group the group
     * @param receiver the notifier's name
     * @param now send time
     * @return the body
     */
    public static ObjectNode webhook(NotificationGroup group, String receiver, Instant now) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "4");
        root.put("groupKey", group.key());
        root.put("truncatedAlerts", 0);
        root.put("status", group.status());
        root.put("receiver", receiver);
        root.set("groupLabels", JSON.valueToTree(group.labels()));
        root.set("commonLabels", JSON.valueToTree(group.commonLabels()));
        root.set("commonAnnotations", JSON.valueToTree(group.commonAnnotations()));
        root.put("externalURL", "");
        root.put("sentAt", now.toString());
        ArrayNode alerts = root.putArray("alerts");
        for (Notification n : group.notifications()) {
            Alert a = n.alert();
            ObjectNode o = alerts.addObject();
            o.put("status", a.state() == AlertState.RESOLVED ? "resolved" : "firing");
            o.put("name", a.name());
            o.put("kind", n.kind().name());
            o.put("state", a.state().name());
            o.put("severity", a.severity().label());
            o.put("fingerprint", a.fingerprint());
            if (!Double.isNaN(a.value()) && !Double.isInfinite(a.value())) {
                o.put("value", a.value());
            }
            o.set("labels", JSON.valueToTree(new java.util.TreeMap<>(a.labels())));
            o.set("annotations", JSON.valueToTree(new java.util.TreeMap<>(a.annotations())));
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

    /**
     * An alert as saved with the engine's state (restored by {@link #alertFromJson(JsonNode)}).
     *
     * @param a the alert
     * @return a JSON object
     */
    public static ObjectNode alertToJson(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("fingerprint", a.fingerprint());
        o.put("name", a.name());
        o.put("severity", a.severity().name());
        o.set("labels", JSON.valueToTree(a.labels()));
        o.set("annotations", JSON.valueToTree(a.annotations()));
        o.put("state", a.state().name());
        o.put("value", Double.isFinite(a.value()) ? a.value() : 0);
        putTime(o, "activeSince", a.activeSince());
        putTime(o, "firingSince", a.firingSince());
        putTime(o, "resolvedAt", a.resolvedAt());
        return o;
    }

    /**
     * An alert saved by {@link #alertToJson(Alert)}.
     *
     * @param o the JSON object
     * @return the alert
     */
    public static Alert alertFromJson(JsonNode o) {
        Map<String, String> labels = new LinkedHashMap<>();
        o.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        Map<String, String> annotations = new LinkedHashMap<>();
        o.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new Alert(o.path("fingerprint").asText(), o.path("name").asText(),
                Severity.valueOf(o.path("severity").asText()), labels, annotations,
                AlertState.valueOf(o.path("state").asText()), o.path("value").asDouble(), time(o, "activeSince"),
                time(o, "firingSince"), time(o, "resolvedAt"));
    }

    private static Instant time(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
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
