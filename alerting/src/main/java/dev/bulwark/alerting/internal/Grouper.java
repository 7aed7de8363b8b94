package dev.bulwark.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.alerting.Alert;
import dev.bulwark.alerting.AlertState;
import dev.bulwark.alerting.AlertingSettings;
import dev.bulwark.alerting.Notification;
import dev.bulwark.alerting.NotificationGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Alertmanager's aggregation groups for one notifier: alerts with equal values of the group-by
 * labels share a group; a new group is first flushed after {@code groupWait}, then every
 * {@code groupInterval}; a flush notifies (all the group's firing alerts plus the ones resolved
 * since) when a firing alert is new to the receiver or an alert it knew resolved, or when
 * {@code repeatInterval} passed since the last notification. What the receiver was last told (the
 * notification log) is kept per group. Muted alerts (silence, inhibition) are left out at flush
 * time; the resolve of an alert the receiver never saw firing is not sent. Thread-safe.
 */
public final class Grouper {

    /** One alert in a group: its newest state, and whether its resolve must be sent though this group never saw it fire. */
    private record Entry(Alert alert, boolean foreign) {
    }

    private static final class Group {
        final String key;
        final Map<String, String> labels;
        final LinkedHashMap<String, Entry> alerts = new LinkedHashMap<>();
        /** The firing alerts of the last notification (Alertmanager's notification log). */
        final Set<String> notifiedFiring = new LinkedHashSet<>();
        Instant lastSent;
        Instant nextFlush;

        Group(String key, Map<String, String> labels, Instant nextFlush) {
            this.key = key;
            this.labels = labels;
            this.nextFlush = nextFlush;
        }
    }

    private final List<String> groupBy;
    private final Duration groupWait;
    private final Duration groupInterval;
    private final Duration repeatInterval;
    /** Group key to group, in creation order. Guarded by {@code this}. */
    private final LinkedHashMap<String, Group> groups = new LinkedHashMap<>();

    /**
     * Groups with these settings.
     *
     * @param groupBy label names; {@code ...} alone for every label; empty for one group
     * @param groupWait wait before a new group's first flush
     * @param groupInterval wait between flushes of a group
     * @param repeatInterval resend of an unchanged firing group after
     */
    public Grouper(List<String> groupBy, Duration groupWait, Duration groupInterval, Duration repeatInterval) {
        this.groupBy = List.copyOf(groupBy);
        this.groupWait = groupWait;
        this.groupInterval = groupInterval;
        this.repeatInterval = repeatInterval;
    }

    /**
     * The group labels of an alert: its values of the group-by labels (absent ones left out, as
     * Alertmanager does).
     *
     * @param labels the alert's labels
     * @return the group labels, sorted by name
     */
    public Map<String, String> groupLabels(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>();
        if (groupBy.size() == 1 && AlertingSettings.GROUP_BY_ALL.equals(groupBy.get(0))) {
            out.putAll(labels);
            return out;
        }
        for (String name : groupBy) {
            String v = labels.get(name);
            if (v != null) {
                out.put(name, v);
            }
        }
        return out;
    }

    /**
     * Adds alerts' new states (FIRING, REPEAT, RESOLVED) to their groups; a group that did not
     * exist is created and first flushed after the group wait.
     *
     * @param notifications the changes
     * @param now the engine's time
     */
    public synchronized void add(Collection<Notification> notifications, Instant now) {
        for (Notification n : notifications) {
            Map<String, String> labels = groupLabels(n.alert().labels());
            String key = NotificationGroup.key(labels);
            Group g = groups.computeIfAbsent(key, k -> new Group(k, labels, now.plus(groupWait)));
            String fp = n.alert().fingerprint();
            Entry before = g.alerts.get(fp);
            if (n.alert().state() == AlertState.RESOLVED) {
                boolean foreign = before == null ? !g.notifiedFiring.contains(fp) : before.foreign();
                g.alerts.put(fp, new Entry(n.alert(), foreign));
            } else {
                g.alerts.put(fp, new Entry(n.alert(), false));
            }
        }
    }

    /**
     * Notifications that skip the timers (the test alert, resolves restored after a restart), one
     * group each as the group-by labels say.
     *
     * @param notifications the notifications
     * @return one group per group key, in order of first appearance
     */
    public List<NotificationGroup> immediate(List<Notification> notifications) {
        Map<String, List<Notification>> byKey = new LinkedHashMap<>();
        Map<String, Map<String, String>> labelsByKey = new LinkedHashMap<>();
        for (Notification n : notifications) {
            Map<String, String> labels = groupLabels(n.alert().labels());
            String key = NotificationGroup.key(labels);
            labelsByKey.putIfAbsent(key, labels);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
        }
        List<NotificationGroup> out = new ArrayList<>();
        byKey.forEach((key, list) -> out.add(new NotificationGroup(key, labelsByKey.get(key), list)));
        return out;
    }

    /**
     * Flushes every group whose timer is due: hands a notification to {@code out} when the group
     * changed for the receiver or its repeat interval passed, drops its resolved alerts, and sets
     * its next flush one group interval ahead (an emptied group ends).
     *
     * @param now the engine's time
     * @param muted whether labels are silenced or inhibited now (left out of the notification)
     * @param out receives the notifications, called under this grouper's lock
     * @return the number of notifications handed out
     */
    public synchronized int flushDue(Instant now, Predicate<Map<String, String>> muted, Consumer<NotificationGroup> out) {
        int sent = 0;
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext();) {
            Group g = it.next();
            if (now.isBefore(g.nextFlush)) {
                continue;
            }
            List<Notification> firing = new ArrayList<>();
            List<Notification> resolved = new ArrayList<>();
            boolean newFiring = false;
            for (Map.Entry<String, Entry> e : g.alerts.entrySet()) {
                Alert a = e.getValue().alert();
                if (muted.test(a.labels())) {
                    continue;
                }
                boolean known = g.notifiedFiring.contains(e.getKey());
                if (a.state() != AlertState.RESOLVED) {
                    newFiring |= !known;
                    firing.add(new Notification(a, known ? Notification.Kind.REPEAT : Notification.Kind.FIRING));
                } else if (known || e.getValue().foreign()) {
                    resolved.add(new Notification(a, Notification.Kind.RESOLVED));
                }
            }
            boolean repeat = !firing.isEmpty() && g.lastSent != null
                    && Duration.between(g.lastSent, now).compareTo(repeatInterval) >= 0;
            if (newFiring || !resolved.isEmpty() || repeat) {
                List<Notification> all = new ArrayList<>(firing);
                all.addAll(resolved);
                out.accept(new NotificationGroup(g.key, g.labels, all));
                sent++;
                g.notifiedFiring.clear();
                firing.forEach(n -> g.notifiedFiring.add(n.alert().fingerprint()));
                g.lastSent = now;
            }
            g.alerts.values().removeIf(e -> e.alert().state() == AlertState.RESOLVED);
            g.notifiedFiring.retainAll(g.alerts.keySet());
            if (g.alerts.isEmpty()) {
                it.remove();
            } else {
                g.nextFlush = now.plus(groupInterval);
            }
        }
        return sent;
    }

    /**
     * Forgets alerts without notifying (a leader that lost its lock leaves its cluster-scoped
     * alerts to the next leader).
     *
     * @param fingerprints the alerts
     */
    public synchronized void forget(Set<String> fingerprints) {
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext();) {
            Group g = it.next();
            g.alerts.keySet().removeAll(fingerprints);
            g.notifiedFiring.removeAll(fingerprints);
            if (g.alerts.isEmpty()) {
                it.remove();
            }
        }
    }

    /** The alerts held in groups (firing ones until they resolve, resolves until their flush). */
    public synchronized int held() {
        return groups.values().stream().mapToInt(g -> g.alerts.size()).sum();
    }

    /**
     * The groups, their alerts, timers and notification log, for saving across a restart.
     *
     * @return a JSON object
     */
    public synchronized ObjectNode toJson() {
        ObjectNode root = Payloads.JSON.createObjectNode();
        ArrayNode list = root.putArray("groups");
        for (Group g : groups.values()) {
            ObjectNode o = list.addObject();
            o.put("key", g.key);
            o.put("nextFlush", g.nextFlush.toString());
            if (g.lastSent != null) {
                o.put("lastSent", g.lastSent.toString());
            }
            ArrayNode notified = o.putArray("notifiedFiring");
            g.notifiedFiring.forEach(notified::add);
            ArrayNode alerts = o.putArray("alerts");
            for (Entry e : g.alerts.values()) {
                alerts.add(Payloads.alertToJson(e.alert()).put("foreign", e.foreign()));
            }
        }
        return root;
    }

    /**
     * Restores saved groups. A group whose key is unchanged resumes its timer and notification log;
     * with other group-by labels its alerts join their new groups, flushed at once, a firing alert
     * the receiver already saw staying known (no second page) and a pending resolve still sent.
     *
     * @param saved what {@link #toJson()} wrote
     * @param now the engine's time
     * @return the number of alerts restored
     */
    public synchronized int restore(JsonNode saved, Instant now) {
        int restored = 0;
        for (JsonNode o : saved.path("groups")) {
            Set<String> notified = new LinkedHashSet<>();
            o.path("notifiedFiring").forEach(f -> notified.add(f.asText()));
            Instant lastSent = o.hasNonNull("lastSent") ? Instant.parse(o.get("lastSent").asText()) : null;
            Instant nextFlush = o.hasNonNull("nextFlush") ? Instant.parse(o.get("nextFlush").asText()) : now;
            for (JsonNode a : o.path("alerts")) {
                Alert alert = Payloads.alertFromJson(a);
                Map<String, String> labels = groupLabels(alert.labels());
                String key = NotificationGroup.key(labels);
                boolean same = key.equals(o.path("key").asText());
                Group g = groups.computeIfAbsent(key, k -> new Group(k, labels, same ? nextFlush : now));
                if (same) {
                    g.lastSent = lastSent;
                } else if (now.isBefore(g.nextFlush)) {
                    g.nextFlush = now;
                }
                String fp = alert.fingerprint();
                if (notified.contains(fp)) {
                    g.notifiedFiring.add(fp);
                }
                g.alerts.put(fp, new Entry(alert, a.path("foreign").asBoolean()));
                restored++;
            }
        }
        return restored;
    }
}
