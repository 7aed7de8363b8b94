package dev.bulwark.alerting;

import java.time.Duration;
import java.util.List;

/**
 * Delivers notifications somewhere (webhook, Slack, e-mail, Alertmanager, log). Called from the
 * notifier's own delivery thread, never from evaluation; a thrown exception means "failed, retry".
 * A {@linkplain #grouped() grouped} notifier gets one {@link NotificationGroup} per group with
 * Alertmanager's timing ({@code group_by}, {@code group_wait}, {@code group_interval},
 * {@code repeat_interval}); the others get what changed in one evaluation together.
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
     * Delivers one group: by default {@link #send(List)} with its notifications; notifiers whose
     * receiver understands groups (the webhook's Alertmanager-style body) override it.
     *
     * @param group the group, never empty
     * @throws Exception when delivery failed; it will be retried with backoff
     */
    default void send(NotificationGroup group) throws Exception {
        send(group.notifications());
    }

    /**
     * Whether the engine groups this notifier's notifications with
     * {@link AlertingSettings#groupBy()}, {@link AlertingSettings#groupWait()} and
     * {@link AlertingSettings#groupInterval()}: by default when it neither
     * {@linkplain #routesItself() routes itself} nor asks for {@linkplain #resendFiring() resends}.
     *
     * @return true for the notifiers that page people (webhook, Slack, e-mail)
     */
    default boolean grouped() {
        return !routesItself() && resendFiring().isZero();
    }

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
