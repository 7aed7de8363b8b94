package dev.bulwark.sandbox;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs untrusted code: a bounded number of runs at once (default = cores) with a bounded wait
 * queue; overflow is a {@link SandboxBusyException}, never an unbounded pile-up.
 *
 * <pre>{@code
 * String out;
 * try (Sandbox sandbox = Sandbox.create(SandboxSettings.fromEnvironment())) {
 *     out = sandbox.run(SandboxRequest.python("print(sum(range(10)))", "")).stdout();   // "45\n"
 * }
 * }</pre>
 *
 * <p>Metrics, registered in the registry given to {@link Builder#metrics(MetricRegistry)} (names
 * under {@code bulwark.sandbox.}): {@code runs} (results returned), {@code timeouts},
 * {@code oom_kills}, {@code output_cap_hits} (runs whose stdout or stderr was truncated),
 * {@code failures} (runs that ended in a {@link SandboxException}), {@code refused} (turned away
 * as busy), {@code duration} (timer of whole runs, container creation and removal included).
 */
public final class Sandbox implements AutoCloseable {

    /** Prefix of every metric name of this module. */
    public static final String METRIC_PREFIX = "bulwark.sandbox.";
    /** The name under which {@link Builder#healthChecks} registers {@link #healthCheck()}. */
    public static final String HEALTH_CHECK_NAME = "bulwark.sandbox";

    private final SandboxRuntime runtime;
    private final Semaphore slots;
    private final int queue;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Counter runs;
    private final Counter timeouts;
    private final Counter oomKills;
    private final Counter outputCapHits;
    private final Counter failures;
    private final Counter refused;
    private final Timer duration;
    private final HealthCheckRegistry healthChecks;
    /** The outcome of the most recent run that finished: null before the first. */
    private volatile Outcome last;

    /** A finished run: when, and the failure's message or null for a result. */
    private record Outcome(Instant at, String failure) {
    }

    private Sandbox(SandboxRuntime runtime, int maxConcurrent, int queue, MetricRegistry metrics,
            HealthCheckRegistry healthChecks) {
        this.runtime = runtime;
        this.slots = new Semaphore(maxConcurrent, true);
        this.queue = queue;
        this.runs = metrics.counter(METRIC_PREFIX + "runs");
        this.timeouts = metrics.counter(METRIC_PREFIX + "timeouts");
        this.oomKills = metrics.counter(METRIC_PREFIX + "oom_kills");
        this.outputCapHits = metrics.counter(METRIC_PREFIX + "output_cap_hits");
        this.failures = metrics.counter(METRIC_PREFIX + "failures");
        this.refused = metrics.counter(METRIC_PREFIX + "refused");
        this.duration = metrics.timer(METRIC_PREFIX + "duration");
        this.healthChecks = healthChecks;
        if (healthChecks != null) {
            healthChecks.register(HEALTH_CHECK_NAME, healthCheck());
        }
    }

    /**
     * The sandbox's health, judged from the runs themselves (a health check must be cheap, and a
     * proof on the engine runs a container): unhealthy while the most recent run failed with a
     * {@link SandboxException} (engine gone, image removed, a refused start), healthy once a run
     * returns a result again. Runs turned away as busy do not count. Before any run it is healthy:
     * the engine and the image were checked when the sandbox was built.
     *
     * @return a health check for the service's registry
     */
    public HealthCheck healthCheck() {
        return new HealthCheck() {
            @Override
            protected Result check() {
                Outcome o = last;
                if (o == null) {
                    return Result.healthy("no run yet; the engine and image were checked at start");
                }
                if (o.failure() != null) {
                    return Result.unhealthy("the last run, at %s, failed: %s", o.at(), o.failure());
                }
                return Result.healthy("the last run, at %s, returned a result", o.at());
            }
        };
    }

    /**
     * Creates the Docker sandbox with its own metric registry; checks the engine and the image now.
     *
     * @param settings limits and image
     * @return the sandbox
     * @throws SandboxException when the engine is unreachable or the image missing (the message says how to fix it)
     */
    public static Sandbox create(SandboxSettings settings) {
        return builder(settings).build();
    }

    /**
     * Starts a builder, to give a metric registry, a thread factory or another runtime.
     *
     * @param settings limits, image, concurrency and queue
     * @return a new builder
     */
    public static Builder builder(SandboxSettings settings) {
        return new Builder(Objects.requireNonNull(settings, "settings"));
    }

    /**
     * Runs a request, waiting for a slot if all are busy and the queue has room.
     *
     * @param request what to run
     * @return the result
     * @throws SandboxBusyException when every slot and queue place is taken
     */
    public SandboxResult run(SandboxRequest request) {
        Objects.requireNonNull(request, "request");
        if (!slots.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                refused.inc();
                throw new SandboxBusyException("sandbox busy: all run slots and " + queue + " queue places are taken");
            }
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for a sandbox slot", e);
            } finally {
                waiting.decrementAndGet();
            }
        }
        Timer.Context timing = duration.time();
        try {
            SandboxResult result;
            try {
                result = runtime.run(request);
            } catch (RuntimeException e) {
                failures.inc();
                last = new Outcome(Instant.now(), String.valueOf(e.getMessage()));
                throw e;
            }
            last = new Outcome(Instant.now(), null);
            runs.inc();
            if (result.timedOut()) {
                timeouts.inc();
            }
            if (result.oomKilled()) {
                oomKills.inc();
            }
            if (result.stdoutTruncated() || result.stderrTruncated()) {
                outputCapHits.inc();
            }
            return result;
        } finally {
            timing.stop();
            slots.release();
        }
    }

    /** Closes the runtime; runs in flight finish first. */
    @Override
    public void close() {
        if (healthChecks != null) {
            healthChecks.unregister(HEALTH_CHECK_NAME);
        }
        runtime.close();
    }

    /** Builds a {@link Sandbox}; {@link #build()} checks the runtime before returning. */
    public static final class Builder {
        private final SandboxSettings settings;
        private MetricRegistry metrics;
        private ThreadFactory threadFactory;
        private SandboxRuntime runtime;
        private HealthCheckRegistry healthChecks;

        private Builder(SandboxSettings settings) {
            this.settings = settings;
        }

        /**
         * Sets the registry the {@code bulwark.sandbox.*} metrics go to (default: a private one).
         *
         * @param registry the service's registry
         * @return this builder
         */
        public Builder metrics(MetricRegistry registry) {
            this.metrics = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets the factory of the built-in runtime's threads (stdin feeding, warm pool); default:
         * daemon threads named {@code bulwark-sandbox}.
         *
         * @param factory the caller's thread factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Registers the sandbox's health check ({@value Sandbox#HEALTH_CHECK_NAME}, see
         * {@link Sandbox#healthCheck()}) in the service's registry, as every Bulwark module does with
         * its own; {@link Sandbox#close()} removes it.
         *
         * @param registry the service's health check registry
         * @return this builder
         */
        public Builder healthChecks(HealthCheckRegistry registry) {
            this.healthChecks = Objects.requireNonNull(registry, "healthChecks");
            return this;
        }

        /**
         * Sets another runtime instead of the built-in {@link DockerSandboxRuntime}; the sandbox
         * owns it from then on and closes it.
         *
         * @param runtime where runs happen
         * @return this builder
         */
        public Builder runtime(SandboxRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /**
         * Creates the runtime (unless one was given), checks it and builds the sandbox.
         *
         * @return the sandbox
         * @throws SandboxException when the runtime cannot run anything (the message says why)
         */
        public Sandbox build() {
            MetricRegistry registry = metrics != null ? metrics : new MetricRegistry();
            SandboxRuntime rt = runtime;
            if (rt == null) {
                DockerSandboxRuntime.Builder b = DockerSandboxRuntime.builder(settings).metrics(registry);
                if (threadFactory != null) {
                    b.threadFactory(threadFactory);
                }
                rt = b.build();
            }
            try {
                rt.check();
            } catch (RuntimeException e) {
                rt.close();
                throw e;
            }
            return new Sandbox(rt, settings.maxConcurrent(), settings.queue(), registry, healthChecks);
        }
    }
}
