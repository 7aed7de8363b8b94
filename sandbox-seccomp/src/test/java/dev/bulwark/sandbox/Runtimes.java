package dev.bulwark.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.testsupport.TestServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The OCI runtimes the integration tests run under: the engine's default (runc) and gVisor,
 * registered by {@code scripts/test-services.sh} as {@value #RUNSC} (with {@code --oci-seccomp})
 * and, deliberately unsafe for the canary's test, as {@value #RUNSC_WITHOUT_OCI_SECCOMP}.
 */
final class Runtimes {

    /** gVisor as the engine knows it: ptrace platform, no network, OCI seccomp enforced. */
    static final String RUNSC = System.getProperty("bulwark.sandbox.runsc", "runsc");
    /** gVisor registered without {@code --oci-seccomp}: it silently ignores the profile. */
    static final String RUNSC_WITHOUT_OCI_SECCOMP = "runsc-no-oci-seccomp";

    private Runtimes() {
    }

    /**
     * Skips the calling test class or method (with the reason) when the engine has no runtime of
     * that name; fails instead when {@code BULWARK_REQUIRE_SERVICES=true}.
     */
    static void assumeRegistered(String name) {
        String why = registered(name);
        if (why == null) {
            return;
        }
        String reason = "OCI runtime '" + name + "' is not registered with the Docker engine (" + why
                + "): run scripts/test-services.sh as root, which installs runsc and registers it";
        if (TestServices.fromEnvironment().servicesRequired()) {
            throw new AssertionError(reason + ". Failing instead of skipping because "
                    + TestServices.REQUIRE_SERVICES + "=true.");
        }
        Assumptions.abort(reason);
    }

    /** Null when the engine lists the runtime, else what it lists or why it could not be asked. */
    private static String registered(String name) {
        try {
            Process p = new ProcessBuilder("docker", "info", "--format", "{{json .Runtimes}}").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "docker info failed: " + out;
            }
            JsonNode runtimes = SandboxIT.JSON.readTree(out);
            return runtimes.has(name) ? null : "it has " + out;
        } catch (IOException e) {
            return "docker info failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
