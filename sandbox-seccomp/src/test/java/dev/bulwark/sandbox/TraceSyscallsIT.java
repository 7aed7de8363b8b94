package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The reproducible method behind profiles/strict.json: scripts/trace-syscalls.sh runs the Python
 * and the JVM strategy under strace and diffs the syscalls they make against the allow-list. Fails
 * when a workload needs a syscall the strict profile does not allow.
 */
class TraceSyscallsIT {

    @Test
    void everySyscallTheReferenceWorkloadsMakeIsAllowedByTheStrictProfile() throws Exception {
        boolean tools = Files.isExecutable(Path.of("/usr/bin/strace")) && Files.isExecutable(Path.of("/usr/bin/python3.11"));
        if (!tools) {
            String reason = "needs /usr/bin/strace and /usr/bin/python3.11 (scripts/test-services.sh installs them)";
            if (TestServices.fromEnvironment().servicesRequired()) {
                throw new IllegalStateException(reason + "; BULWARK_REQUIRE_SERVICES=true");
            }
            Assumptions.abort(reason);
        }
        Process p = new ProcessBuilder("bash", "scripts/trace-syscalls.sh").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(out).contains("measured but not allowed (the workloads would break): none");
        assertThat(p.exitValue()).as(out).isZero();
        int measured = Integer.parseInt(out.replaceAll("(?s).*measured: (\\d+) syscalls.*", "$1"));
        assertThat(measured).as("both workloads were traced").isGreaterThan(40);
    }
}
