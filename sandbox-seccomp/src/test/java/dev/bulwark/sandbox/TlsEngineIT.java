package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sandbox against a Docker engine reached over {@code tcp://} with TLS and client
 * certificates (a second dockerd started by scripts/test-services.sh): API calls, the input-file
 * copy and the raw stdin attach all go through TLS.
 */
@RequiresService(Service.DOCKER_TLS)
class TlsEngineIT {

    private static SandboxSettings tls() {
        return SandboxSettings.fromEnvironment(Map.of("SANDBOX_DOCKER_HOST", TestServices.dockerTlsHost(),
                "SANDBOX_DOCKER_CERT_PATH", TestServices.dockerTlsCerts()));
    }

    @Test
    void strategyWithFilesAndStdinRunsOnATlsEngine() throws Exception {
        try (Sandbox sandbox = Sandbox.create(tls())) {
            SandboxIT.assertStrategyResult(sandbox.run(SandboxIT.strategyRequest()));
        }
    }

    @Test
    void dockersOwnTlsVariablesAreHonouredWhenTheEngineComesFromDockerHost() {
        SandboxSettings s = SandboxSettings.fromEnvironment(Map.of("DOCKER_HOST", TestServices.dockerTlsHost(),
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", TestServices.dockerTlsCerts()));
        assertThat(s.tlsCertPath()).contains(TestServices.dockerTlsCerts());
        try (Sandbox sandbox = Sandbox.create(s)) {
            assertThat(sandbox.run(SandboxRequest.python("print(6 * 7)", "")).stdout()).isEqualTo("42\n");
        }
    }

    @Test
    void withoutCertificatesTheTlsEngineIsAClearError() {
        SandboxSettings plain = SandboxSettings.fromEnvironment(Map.of("SANDBOX_DOCKER_HOST", TestServices.dockerTlsHost()));
        assertThatThrownBy(() -> Sandbox.create(plain)).isInstanceOf(SandboxException.class)
                .hasMessageContaining("Docker engine unreachable at " + TestServices.dockerTlsHost());
        assertThatThrownBy(() -> SandboxSettings.fromEnvironment(Map.of("SANDBOX_DOCKER_HOST",
                TestServices.dockerTlsHost(), "SANDBOX_DOCKER_CERT_PATH", "/nonexistent")))
                .hasMessageContaining("SANDBOX_DOCKER_CERT_PATH").hasMessageContaining("ca.pem");
    }
}
