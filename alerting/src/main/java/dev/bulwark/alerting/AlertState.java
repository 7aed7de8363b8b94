package dev.bulwark.alerting;

/** The life of an alert: inactive → pending (grace period) → firing → resolved. */
public enum AlertState {
    /** Condition false. */
    INACTIVE,
    /** Condition true for less than the rule's {@code for} duration. */
    PENDING,
    /** Condition true for at least {@code for} (or false for less than {@code keepFiringFor}). */
    FIRING,
    /** Was firing; condition false for at least {@code keepFiringFor}. */
    RESOLVED
}
