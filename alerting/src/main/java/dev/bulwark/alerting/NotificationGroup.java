package dev.bulwark.alerting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One notification: the alerts of one group (equal values of the
 * {@linkplain AlertingSettings#groupBy() group-by labels}), firing and resolved, sent together as
 * Alertmanager sends a group to a receiver.
 *
 * @param key identifies the group, in Alertmanager's form {@code {}:{alertname="X", instance="a"}}
 * @param labels the group-by labels and their values, sorted by name (empty for one group of everything)
 * @param notifications the alerts, at least one, each with why it is in this notification
 */
public record NotificationGroup(String key, Map<String, String> labels, List<Notification> notifications) {

    /**
     * Copies the collections.
     *
     * @throws IllegalArgumentException when there is no notification
     */
    public NotificationGroup {
        Objects.requireNonNull(key, "key");
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        notifications = List.copyOf(notifications);
        if (notifications.isEmpty()) {
            throw new IllegalArgumentException("a notification group needs at least one notification");
        }
    }

    /**
     * A group of notifications sent without grouping (Alertmanager, the log, a direct call):
     * no group labels, key {@code {}:{}}.
     *
     * @param notifications at least one
     * @return the group
     */
    public static NotificationGroup of(List<Notification> notifications) {
        return new NotificationGroup(key(Map.of()), Map.of(), notifications);
    }

    /**
     * The group key Alertmanager would give these group labels on its root route.
     *
     * @param labels the group-by labels and their values
     * @return {@code {}:{name="value", ...}} with names sorted
     */
    public static String key(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder("{}:{");
        new TreeMap<>(labels).forEach((k, v) -> sb.append(sb.length() == 4 ? "" : ", ").append(k).append("=\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return sb.append('}').toString();
    }

    /** {@code firing} when any alert of the group fires, else {@code resolved} (as Alertmanager says). */
    public String status() {
        return notifications.stream().anyMatch(n -> n.alert().state() != AlertState.RESOLVED) ? "firing" : "resolved";
    }

    /** The labels every alert of the group has with the same value. */
    public Map<String, String> commonLabels() {
        return common(true);
    }

    /** The annotations every alert of the group has with the same value. */
    public Map<String, String> commonAnnotations() {
        return common(false);
    }

    private Map<String, String> common(boolean labels) {
        Map<String, String> out = null;
        for (Notification n : notifications) {
            Map<String, String> m = labels ? n.alert().labels() : n.alert().annotations();
            if (out == null) {
                out = new TreeMap<>(m);
            } else {
                out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
            }
        }
        return out == null ? Map.of() : new LinkedHashMap<>(out);
    }

    /**
     * A one-line title as Alertmanager's default templates write it, e.g.
     * {@code [FIRING:2, RESOLVED:1] alertname=HighQueueDepth instance=pod-a}.
     *
     * @return the title
     */
    public String title() {
        StringBuilder sb = new StringBuilder("[");
        long f = firing();
        long r = resolved();
        if (f > 0) {
            sb.append("FIRING:").append(f);
        }
        if (r > 0) {
            sb.append(f > 0 ? ", " : "").append("RESOLVED:").append(r);
        }
        sb.append(']');
        new TreeMap<>(labels).forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    /** The number of alerts in the group that fire. */
    public long firing() {
        return notifications.stream().filter(n -> n.alert().state() != AlertState.RESOLVED).count();
    }

    /** The number of alerts in the group that resolved. */
    public long resolved() {
        return notifications.size() - firing();
    }
}
