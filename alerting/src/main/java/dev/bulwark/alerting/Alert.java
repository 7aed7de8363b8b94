package dev.bulwark.alerting;

import java.time.Instant;
import java.util.Map;

/**
 * An alert as the engine sees it now.
 *
 * @param fingerprint stable identity: hash of the rule name and labels
 * @param name the rule's name ({@code alertname})
 * @param severity severity
 * @param labels labels, {@code alertname} and {@code severity} included
 * @param annotations rendered annotations ({@code summary}, {@code description}...)
 * @param state current state
 * @param value the signal's last value (NaN when it had no data)
 * @param activeSince when the condition last became true (pending start), or null
 * @param firingSince when it started firing, or null
 * @param resolvedAt when it resolved, or null
 */
public record Alert(String fingerprint, String name, Severity severity, Map<String, String> labels,
        Map<String, String> annotations, AlertState state, double value, Instant activeSince, Instant firingSince,
        Instant resolvedAt) {

    /** Copies the maps. */
    public Alert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
