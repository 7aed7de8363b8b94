package dev.bulwark.alerting;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A silence: while active, the alerts whose labels equal every matcher are not notified through
 * the direct notifiers (webhook, Slack, e-mail, log); Alertmanager keeps its own silences. Made
 * with {@link AlertEngine#silence}; shared by every replica that uses the same database.
 *
 * @param id random identifier
 * @param matchers label name to the value it must equal; at least one
 * @param startsAt when it was created
 * @param endsAt when it expires
 * @param createdBy who made it (for the audit trail)
 * @param comment why
 */
public record Silence(String id, Map<String, String> matchers, Instant startsAt, Instant endsAt, String createdBy,
        String comment) {

    /** Copies the matchers and checks for nulls. */
    public Silence {
        Objects.requireNonNull(id, "id");
        matchers = Map.copyOf(matchers);
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        createdBy = Objects.requireNonNullElse(createdBy, "");
        comment = Objects.requireNonNullElse(comment, "");
    }

    /**
     * Whether the silence is in force at an instant.
     *
     * @param now the instant
     * @return true between its start and its end
     */
    public boolean activeAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    /**
     * Whether an alert's labels match every matcher.
     *
     * @param labels the alert's labels
     * @return true when they do
     */
    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> m : matchers.entrySet()) {
            if (!m.getValue().equals(labels.get(m.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
