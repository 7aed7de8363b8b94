package dev.bulwark.samples.support;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.sandbox.Sandbox;
import dev.bulwark.sandbox.SandboxBusyException;
import dev.bulwark.sandbox.SandboxException;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.sandbox.SandboxResult;
import dev.bulwark.sandbox.SandboxSettings;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sandbox, or why there is none (no Docker engine): then every run answers 503 with the reason. */
public final class SampleSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SampleSandbox.class);

    private final Sandbox sandbox;
    private final String unavailable;

    private SampleSandbox(Sandbox sandbox, String unavailable) {
        this.sandbox = sandbox;
        this.unavailable = unavailable;
    }

    /**
     * Builds the sandbox from {@code SANDBOX_*}, or remembers why it cannot.
     *
     * @param env the environment
     * @param metrics where the sandbox's metrics go
     * @return the holder
     */
    public static SampleSandbox create(Map<String, String> env, MetricRegistry metrics) {
        try {
            return new SampleSandbox(Sandbox.builder(SandboxSettings.fromEnvironment(env)).metrics(metrics).build(), null);
        } catch (RuntimeException e) {
            LOG.warn("Sandbox unavailable, /sandbox/run will answer 503: {}", e.getMessage());
            return new SampleSandbox(null, e.getMessage());
        }
    }

    /**
     * Runs a request.
     *
     * @param request what to run
     * @return the result
     * @throws ContractFailure 503 {@code sandbox_unavailable} (no engine) or {@code sandbox_busy}
     *     (answer it with {@code Retry-After: 1})
     */
    public SandboxResult run(SandboxRequest request) {
        available();
        try {
            return sandbox.run(request);
        } catch (SandboxBusyException e) {
            throw new ContractFailure(503, "sandbox_busy", e.getMessage());
        } catch (SandboxException e) {
            throw new ContractFailure(503, "sandbox_unavailable", e.getMessage());
        }
    }

    /**
     * Checks there is a sandbox, before the request's body is read.
     *
     * @throws ContractFailure 503 {@code sandbox_unavailable} with the reason
     */
    public void available() {
        if (sandbox == null) {
            throw new ContractFailure(503, "sandbox_unavailable", "no Docker sandbox: " + unavailable);
        }
    }

    @Override
    public void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
