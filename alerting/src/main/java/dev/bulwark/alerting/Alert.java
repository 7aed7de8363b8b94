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
 * @param unknown true when the last evaluation could not read the signal (failed or timed out):
 *        the alert keeps its state, a firing alert stays firing, until a reading says otherwise
 */
public record Alert(String fingerprint, String name, Severity severity, Map<String, String> labels,
        Map<String, String> annotations, AlertState state, double value, Instant activeSince, Instant firingSince,
        Instant resolvedAt, boolean unknown) {

    /** Copies the maps. */
    public Alert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /**
     * An alert whose state is known (its signal was read).
     *
     * @param fingerprint stable identity: hash of the rule name and labels
     * @param name the rule's name ({@code alertname})
     * @param severity severity
     * @param labels labels, {@code alertname} and {@code severity} included
     * @param annotations rendered annotations
     * @param state current state
     * @param value the signal's last value
     * @param activeSince when the condition last became true, or null
     * @param firingSince when it started firing, or null
     * @param resolvedAt when it resolved, or null
     */
    public Alert(String fingerprint, String name, Severity severity, Map<String, String> labels,
            Map<String, String> annotations, AlertState state, double value, Instant activeSince, Instant firingSince,
            Instant resolvedAt) {
        this(fingerprint, name, severity, labels, annotations, state, value, activeSince, firingSince, resolvedAt, false);
    }
}
