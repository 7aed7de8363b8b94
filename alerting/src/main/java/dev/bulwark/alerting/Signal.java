package dev.bulwark.alerting;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import java.time.Instant;

/**
 * A number an {@link AlertRule} compares with its threshold, read from the service's registries
 * at each evaluation. Built-in signals are made by {@link Signals}; implement this for others.
 */
public interface Signal {

    /**
     * Reads the current value.
     *
     * @param metrics the service's metric registry
     * @param health the service's health checks
     * @param now evaluation time (rates and trends are computed against it)
     * @return the value, or {@code NaN} when there is not enough data yet (the condition is then false)
     * @throws SignalException when the signal cannot be read (unknown metric, non-numeric gauge...):
     *         the engine raises a visible {@code RuleEvaluationFailed} alert, it never skips silently
     */
    double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now);

    /**
     * Whether reading may wait on I/O (a health check querying a database, a file system, a gauge
     * that runs a query...): such a signal is read on a reader thread of its own and waited for at
     * most {@link AlertingSettings#signalTimeout()}, so one that hangs delays nothing else. Other
     * signals are in-memory reads done on the evaluation thread, without a hand-off. Every signal
     * is read off the engine's state lock. Override it to return true for a custom signal that
     * does I/O.
     *
     * @return true when a read may block (default false: an in-memory read)
     */
    default boolean mayBlock() {
        return false;
    }

    /** A short human description, e.g. {@code rate(http.requests[5m])}. */
    String describe();

    /** A signal that cannot be read, with the reason. */
    final class SignalException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * A signal that cannot be read, with what is wrong and how to fix it.
         *
         * @param message what is wrong and how to fix it
         */
        public SignalException(String message) {
            super(message);
        }
    }
}
