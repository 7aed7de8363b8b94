package dev.bulwark.alerting;

import java.time.Duration;
import java.util.List;

/**
 * Delivers notifications somewhere (webhook, Slack, e-mail, Alertmanager, log). Called from the
 * notifier's own delivery thread, never from evaluation; a thrown exception means "failed, retry".
 * Alerts that change state in the same evaluation arrive together (grouping).
 */
public interface Notifier {

    /** A short name for logs and metrics, e.g. {@code webhook}. */
    String name();

    /**
     * Delivers a group of notifications.
     *
     * @param notifications one or more, never empty
     * @throws Exception when delivery failed; it will be retried with backoff
     */
    void send(List<Notification> notifications) throws Exception;

    /**
     * How often firing alerts must be sent again even without a change; zero (the default) for
     * never. Alertmanager expects firing alerts to be re-sent well within its resolve timeout.
     */
    default Duration resendFiring() {
        return Duration.ZERO;
    }

    /**
     * Whether the receiver groups, silences and inhibits by itself (Alertmanager): it then gets
     * every notification, while the engine's silences and inhibition rules apply to the others.
     *
     * @return false by default
     */
    default boolean routesItself() {
        return false;
    }
}
