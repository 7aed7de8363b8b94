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
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 38 -1 38 threads-ok dumpable-ok", strict, false)).isNull();
        assertThat(DockerSandboxRuntime.canaryVerdict("0 0 -1 38 threads-ok dumpable-ok", strict, false)).contains("not in force");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 1 -1 38 threads-ok dumpable-ok", strict, false))
                .as("EPERM is what a capability check answers, not the filter").contains("not in force");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 38 -1 1 threads-failed dumpable-ok", strict, false))
                .contains("threads do not start");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 1 -1 38 threads-ok dumpable-ok", SeccompProfile.permissive(), false)).isNull();
        assertThat(DockerSandboxRuntime.canaryVerdict("garbage", strict, false)).contains("instead of its six values");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 38 -1 38 threads-ok dumpable-refused", strict, false))
                .as("a profile refusing what the deadline's watchdog needs").contains("PR_SET_DUMPABLE")
                .contains("SANDBOX_PROFILE");
    }

    @Test
    void underGvisorTheCanaryExpectsEpermFromTheFilterAndEnosysForClone3FromGvisorsKernel() {
        SeccompProfile strict = SeccompProfile.strict();
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 1 -1 38 threads-ok dumpable-ok", strict, true)).isNull();
        assertThat(DockerSandboxRuntime.canaryVerdict("0 38 -1 38 threads-ok dumpable-ok", strict, true))
                .as("runsc without --oci-seccomp").contains("not in force");
        assertThat(DockerSandboxRuntime.canaryVerdict("-1 1 -1 22 threads-ok dumpable-ok", strict, true))
                .as("a gVisor that implements clone3").contains("clone3").contains("not ENOSYS");
    }

    @Test
    void underGvisorOnlyTheClone3RuleDiffers() {
        SeccompProfile strict = SeccompProfile.strict();
        SeccompProfile adapted = DockerSandboxRuntime.forGvisor(strict);

        java.util.List<SeccompProfile.Rule> removed = new java.util.ArrayList<>(strict.syscalls());
        removed.removeAll(adapted.syscalls());
        java.util.List<SeccompProfile.Rule> added = new java.util.ArrayList<>(adapted.syscalls());
        added.removeAll(strict.syscalls());
        assertThat(removed).extracting(SeccompProfile.Rule::names).containsExactly(java.util.List.of("clone3"));
        assertThat(added).singleElement().satisfies(r -> {
            assertThat(r.names()).containsExactly("clone3");
            assertThat(r.action()).isEqualTo("SCMP_ACT_ALLOW");
        });
        assertThat(adapted.defaultAction()).isEqualTo(strict.defaultAction());
        assertThat(DockerSandboxRuntime.forGvisor(adapted)).as("no ENOSYS clone3 rule: unchanged").isSameAs(adapted);
    }
}
