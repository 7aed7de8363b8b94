package dev.bulwark.alerting;

/**
 * One alert to deliver, and why.
 *
 * @param alert the alert (its state is FIRING or RESOLVED)
 * @param kind why it is sent
 */
public record Notification(Alert alert, Kind kind) {

    /** Why a notification is sent. */
    public enum Kind {
        /** Started firing. */
        FIRING,
        /** Still firing after the repeat interval. */
        REPEAT,
        /** Stopped firing. */
        RESOLVED,
        /** Sent on request to check that a notifier works. */
        TEST
    }
}
