package dev.bulwark.alerting;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An inhibition rule with Alertmanager's semantics: while an alert matching {@code source} fires,
 * alerts matching {@code target} whose {@code equal} labels have the same values are not notified
 * through the direct notifiers (a dead backend explains its pool and error-rate alerts).
 *
 * <pre>{@code
 * InhibitRule rule = new InhibitRule(Map.of("alertname", "BackendDown"),
 *     Map.of("alertname", "DbPoolExhausted"), List.of("instance"));
 * }</pre>
 *
 * @param source label equalities the muting alert has
 * @param target label equalities the muted alert has
 * @param equal labels both must share (the same value, or both absent)
 */
public record InhibitRule(Map<String, String> source, Map<String, String> target, List<String> equal) {

    /** Copies the collections; source and target need at least one matcher. */
    public InhibitRule {
        source = Map.copyOf(source);
        target = Map.copyOf(target);
        equal = List.copyOf(equal);
        if (source.isEmpty() || target.isEmpty()) {
            throw new IllegalArgumentException("an inhibition rule needs at least one source and one target matcher");
        }
    }

    /**
     * BackendDown mutes DbPoolExhausted and HighErrorRate of the same instance.
     *
     * @return the two rules
     */
    public static List<InhibitRule> backendDownMutesItsSymptoms() {
        return List.of(new InhibitRule(Map.of("alertname", "BackendDown"), Map.of("alertname", "DbPoolExhausted"),
                        List.of("instance")),
                new InhibitRule(Map.of("alertname", "BackendDown"), Map.of("alertname", "HighErrorRate"),
                        List.of("instance")));
    }

    /**
     * Whether a firing source alert mutes a target alert under this rule.
     *
     * @param sourceLabels the labels of a firing alert
     * @param targetLabels the labels of the alert to notify
     * @return true when the target is muted
     */
    public boolean mutes(Map<String, String> sourceLabels, Map<String, String> targetLabels) {
        if (!matches(source, sourceLabels) || !matches(target, targetLabels) || sourceLabels.equals(targetLabels)) {
            return false;
        }
        for (String label : equal) {
            if (!Objects.equals(sourceLabels.get(label), targetLabels.get(label))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Map<String, String> matchers, Map<String, String> labels) {
        for (Map.Entry<String, String> m : matchers.entrySet()) {
            if (!m.getValue().equals(labels.get(m.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
