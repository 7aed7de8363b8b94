package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.health.HealthCheckRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The sandbox's health check: registered like every module's, judged from the runs' outcomes. */
class SandboxHealthTest {

    /** A runtime whose runs fail while {@code broken} is set, as an engine that went away would. */
    static final class FlakyRuntime implements SandboxRuntime {
        final AtomicBoolean broken = new AtomicBoolean();
        boolean closed;

        @Override
        public SandboxResult run(SandboxRequest request) {
            if (broken.get()) {
                throw new SandboxException("engine unreachable at unix:///var/run/docker.sock");
            }
            return new SandboxResult(0, 0, "ok\n", "", false, false, false, false, Duration.ofMillis(5), 0, 3, 0);
        }

        @Override
        public void check() {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void unhealthyWhileTheLastRunFailedHealthyAgainAfterAResultAndRemovedOnClose() {
        FlakyRuntime runtime = new FlakyRuntime();
        HealthCheckRegistry healthChecks = new HealthCheckRegistry();
        Sandbox sandbox = Sandbox.builder(SandboxSettings.builder().build()).runtime(runtime).healthChecks(healthChecks).build();
        assertThat(healthChecks.getNames()).containsExactly(Sandbox.HEALTH_CHECK_NAME);
        assertThat(healthChecks.runHealthCheck("bulwark.sandbox").isHealthy()).as("before any run").isTrue();

        runtime.broken.set(true);
        SandboxRequest request = SandboxRequest.python("print('ok')", "");
        assertThatThrownBy(() -> sandbox.run(request)).isInstanceOf(SandboxException.class);
        assertThat(healthChecks.runHealthCheck("bulwark.sandbox").isHealthy()).isFalse();
        assertThat(healthChecks.runHealthCheck("bulwark.sandbox").getMessage()).contains("engine unreachable");

        runtime.broken.set(false);
        assertThat(sandbox.run(request).stdout()).isEqualTo("ok\n");
        assertThat(healthChecks.runHealthCheck("bulwark.sandbox").isHealthy()).isTrue();

        sandbox.close();
        assertThat(healthChecks.getNames()).isEmpty();
        assertThat(runtime.closed).isTrue();
    }
}
