package dev.bulwark.alerting;

/** How urgent an alert is; sent as the {@code severity} label. */
public enum Severity {
    /** Wake someone up. */
    CRITICAL,
    /** Look at it today. */
    WARNING,
    /** For the record. */
    INFO;

    /** The label value: lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
