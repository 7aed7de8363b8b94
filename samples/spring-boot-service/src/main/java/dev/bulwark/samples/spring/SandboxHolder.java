package dev.bulwark.samples.spring;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.sandbox.Sandbox;
import dev.bulwark.sandbox.SandboxSettings;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sandbox, or why there is none (no Docker engine): then /sandbox/run answers 503 with the reason. */
final class SandboxHolder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxHolder.class);

    private final Sandbox sandbox;
    private final String unavailable;

    private SandboxHolder(Sandbox sandbox, String unavailable) {
        this.sandbox = sandbox;
        this.unavailable = unavailable;
    }

    static SandboxHolder create(Map<String, String> env, MetricRegistry metrics) {
        try {
            return new SandboxHolder(Sandbox.builder(SandboxSettings.fromEnvironment(env)).metrics(metrics).build(), null);
        } catch (RuntimeException e) {
            LOG.warn("Sandbox unavailable, /sandbox/run will answer 503: {}", e.getMessage());
            return new SandboxHolder(null, e.getMessage());
        }
    }

    /** The sandbox, or null. */
    Sandbox sandbox() {
        return sandbox;
    }

    /** Why there is no sandbox. */
    String unavailable() {
        return unavailable;
    }

    @Override
    public void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
