package dev.bulwark.alerting;

import java.time.Duration;

/**
 * Thrown by {@link AlertEngine#sendTestAlert()} when this engine sent a test alert less than
 * {@link AlertingSettings#testAlertMinInterval()} ago: a service answers it with
 * {@code 429 Too Many Requests} and a {@code Retry-After} of {@link #retryAfter()}.
 */
public final class TestAlertTooSoonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** In milliseconds, a plain field, so the exception stays serialisable. */
    private final long retryAfterMillis;

    /**
     * A refused test alert.
     *
     * @param retryAfter how long until the next test alert is allowed
     * @param minInterval the configured minimum interval, named in the message
     */
    public TestAlertTooSoonException(Duration retryAfter, Duration minInterval) {
        super("a test alert was sent less than " + minInterval.toSeconds() + " s ago (ALERT_TEST_MIN_INTERVAL_SECONDS);"
                + " the next one is allowed in " + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s");
        this.retryAfterMillis = retryAfter.toMillis();
    }

    /** How long until the next test alert of this engine is allowed. */
    public Duration retryAfter() {
        return Duration.ofMillis(retryAfterMillis);
    }

    /** {@link #retryAfter()} in whole seconds, rounded up and at least 1: the {@code Retry-After} header's value. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
}
