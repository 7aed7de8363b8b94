package dev.bulwark.pool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a pool's state and health: the payload of {@code GET /health/db_pool}
 * ({@link #toJson()}). Times are ISO-8601 UTC strings, durations milliseconds. Contains no
 * secret: the settings are {@link PoolSettings#describe()}.
 *
 * @param status overall state
 * @param reasons why the status is not {@code HEALTHY}; empty otherwise
 * @param pool pool name
 * @param instance this replica's name ({@code DB_POOL_INSTANCE})
 * @param checkedAt when the snapshot was taken
 * @param minimumIdle connections kept at rest ({@code DB_POOL_SIZE})
 * @param maximumPoolSize most connections the pool may open
 * @param total open connections
 * @param active connections in use
 * @param idle open connections not in use
 * @param pending threads waiting for a connection
 * @param utilisation {@code active / maximumPoolSize}
 * @param peakActive most connections in use at once within the peak window ({@code DB_POOL_PEAK_WINDOW_MS})
 * @param peakPending most threads seen waiting at once within the peak window (sampled every {@code DB_POOL_SAMPLE_INTERVAL_MS})
 * @param acquireTimeouts {@code getConnection()} calls that timed out
 * @param acquireMillis time to acquire a connection, from Hikari's timer (recent window)
 * @param exhaustion exhaustion events
 * @param leaks leak suspicions
 * @param overflow connections above {@code DB_POOL_SIZE}
 * @param fleet the connection budget of all replicas on the server; null until checked or when not PostgreSQL
 * @param warnings problems that do not stop the pool: size above the server's limit, replicas together above it
 * @param settings the pool's settings, without secrets
 */
public record PoolHealth(
        Status status,
        List<String> reasons,
        String pool,
        String instance,
        String checkedAt,
        int minimumIdle,
        int maximumPoolSize,
        int total,
        int active,
        int idle,
        int pending,
        double utilisation,
        int peakActive,
        int peakPending,
        long acquireTimeouts,
        AcquireTimes acquireMillis,
        Exhaustion exhaustion,
        Leaks leaks,
        Overflow overflow,
        Fleet fleet,
        List<String> warnings,
        Map<String, Object> settings) {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** Copies the collections. */
    public PoolHealth {
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    }

    /** The snapshot as JSON (the documented schema of {@code /health/db_pool}). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise pool health", e);
        }
    }

    /** Health states, from best to worst. */
    public enum Status {
        /** Working normally. */
        HEALTHY,
        /** Working, but busy: utilisation above the threshold, threads waiting, or briefly exhausted. */
        DEGRADED,
        /** Cannot hand out a connection within the timeout, or exhausted for too long. */
        UNHEALTHY
    }

    /**
     * Acquire-time percentiles in milliseconds.
     *
     * @param count acquisitions measured since start
     * @param p50 median
     * @param p95 95th percentile
     * @param p99 99th percentile
     * @param max maximum in the recent window
     */
    public record AcquireTimes(long count, double p50, double p95, double p99, double max) {
    }

    /**
     * Connections above {@code DB_POOL_SIZE}, opened under a burst and closed after it.
     *
     * @param inUse overflow connections in use now: {@code max(0, active - DB_POOL_SIZE)}
     * @param open overflow connections open now: {@code max(0, total - DB_POOL_SIZE)}
     * @param opened connections opened above {@code DB_POOL_SIZE} so far
     * @param retired idle overflow connections the monitor closed so far
     * @param idleMs how long overflow stays open once not needed ({@code DB_POOL_OVERFLOW_IDLE_MS})
     */
    public record Overflow(int inUse, int open, long opened, long retired, long idleMs) {
    }

    /**
     * The connection budget of all replicas of this pool on one PostgreSQL server, from
     * {@code pg_stat_activity} (every connection is named {@code <pool>:<maximum>:<instance>}).
     *
     * @param applicationName this replica's {@code application_name}
     * @param replicas replicas of this pool with connections open on the server (this one included)
     * @param connections connections those replicas hold
     * @param replicasMaximum their maximum pool sizes added up: what they may open together
     * @param serverConnections client connections on the server, from any client
     * @param serverLimit what the server allows ordinary users: {@code max_connections} minus the reserved slots
     * @param maxConnections the server's {@code max_connections}
     * @param reserved {@code superuser_reserved_connections} (+ {@code reserved_connections} on PostgreSQL 16+)
     * @param checkedAt when the figures were read
     */
    public record Fleet(String applicationName, int replicas, int connections, int replicasMaximum,
            int serverConnections, int serverLimit, int maxConnections, int reserved, String checkedAt) {
    }

    /**
     * Exhaustion events: all connections busy while threads wait.
     *
     * @param count events so far
     * @param exhausted whether the pool is exhausted now
     * @param currentMs length of the current event (0 when not exhausted)
     * @param lastStartedAt start of the latest event, or null
     * @param lastEndedAt end of the latest finished event, or null
     * @param lastDurationMs length of the latest finished event
     * @param totalMs time spent exhausted in all
     */
    public record Exhaustion(long count, boolean exhausted, long currentMs, String lastStartedAt,
            String lastEndedAt, long lastDurationMs, long totalMs) {
    }

    /**
     * Leak suspicions: connections held longer than {@code DB_LEAK_DETECTION_MS}.
     *
     * @param enabled whether leak detection is on
     * @param count suspicions so far
     * @param recent the latest ones (at most ten), with the borrowing stack
     */
    public record Leaks(boolean enabled, long count, List<Leak> recent) {
        /** Copies the list. */
        public Leaks {
            recent = List.copyOf(recent);
        }
    }

    /**
     * One suspected leak.
     *
     * @param thread borrowing thread
     * @param borrowedAt when it was borrowed
     * @param thresholdMs threshold exceeded
     * @param stack top frames of the borrowing code
     */
    public record Leak(String thread, String borrowedAt, long thresholdMs, List<String> stack) {
        /** Copies the list. */
        public Leak {
            stack = List.copyOf(stack);
        }
    }
}
