package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseTest {

    @Test
    void theLeaseLabelIsTheExpiry() {
        assertThat(DockerSandboxRuntime.leaseOf(Map.of(DockerSandboxRuntime.LEASE, "1800000000"), 1_000)).isEqualTo(1_800_000_000L);
    }

    @Test
    void aContainerWithoutALeaseIsLeasedForTheLongestRunAfterItsCreation() {
        assertThat(DockerSandboxRuntime.leaseOf(Map.of(DockerSandboxRuntime.OWNER, "1-x"), 1_000))
                .isEqualTo(1_000 + Duration.ofHours(1).plusMinutes(2).toSeconds());
        assertThat(DockerSandboxRuntime.leaseOf(Map.of(DockerSandboxRuntime.LEASE, "soon"), 1_000))
                .as("unreadable: as if absent").isEqualTo(1_000 + Duration.ofHours(1).plusMinutes(2).toSeconds());
    }

    @Test
    void aVolumeWithoutALeaseHasExpired() {
        assertThat(DockerSandboxRuntime.leaseOf(null, 0)).isZero();
    }

    @Test
    void theCpuTimeLimitIsNeverReachedBeforeTheWallClockDeadline() {
        // a program can use at most cpus × wall seconds of CPU time before the deadline kills it
        assertThat(DockerSandboxRuntime.cpuSeconds(Duration.ofSeconds(10), 1.0)).isGreaterThan(10 + 5);
        assertThat(DockerSandboxRuntime.cpuSeconds(Duration.ofSeconds(10), 4.0)).isGreaterThan(4 * (10 + 5));
        assertThat(DockerSandboxRuntime.cpuSeconds(Duration.ofMillis(1500), 0.5)).isGreaterThanOrEqualTo(7);
    }

    @Test
    void theInContainerDeadlineLeavesTheJvmTimeToKillFirst() {
        assertThat(DockerSandboxRuntime.DEADLINE_SLACK).isPositive();
        assertThat(DockerSandboxRuntime.LEASE_GRACE).isGreaterThan(DockerSandboxRuntime.DEADLINE_SLACK.plusSeconds(30));
        assertThat(DockerSandboxRuntime.WARM_REPLACE_AFTER).isLessThan(DockerSandboxRuntime.WARM_MAX_IDLE);
    }

    @Test
    void theCanaryPassesOnlyWhenUnshareIsRefusedAsTheProfileSaysAndThreadsStart() {
        SeccompProfile strict = SeccompProfile.strict();
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 38 threads-ok", strict)).isNull();
        assertThat(DockerSandboxRuntime.canaryVerdict("0 0 threads-ok", strict)).contains("not in force");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 1 threads-ok", strict))
                .as("EPERM is what a capability check answers, not the filter").contains("not in force");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 38 threads-failed", strict)).contains("threads do not start");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 1 threads-ok", SeccompProfile.permissive())).isNull();
        assertThat(DockerSandboxRuntime.canaryVerdict("garbage", strict)).contains("instead of its three values");
    }
}
