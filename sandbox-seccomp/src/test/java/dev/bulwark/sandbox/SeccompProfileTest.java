package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Loader, validator and builder, without Docker. */
class SeccompProfileTest {

    static Set<String> unconditionallyAllowed(SeccompProfile p) {
        return p.syscalls().stream().filter(r -> r.action().equals("SCMP_ACT_ALLOW") && r.args().isEmpty())
                .flatMap(r -> r.names().stream()).collect(Collectors.toSet());
    }

    @Test
    void strictDeniesByDefaultAndNeverAllowsTheDangerousCalls() {
        SeccompProfile strict = SeccompProfile.strict();

        assertThat(strict.defaultAction()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(unconditionallyAllowed(strict)).contains("read", "write", "execve", "futex", "mmap")
                .doesNotContainAnyElementsOf(List.of("mount", "umount2", "ptrace", "unshare", "setns", "clone3", "clone",
                        "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
                        "io_uring_enter", "io_uring_register", "init_module", "finit_module", "delete_module", "kexec_load",
                        "kexec_file_load", "reboot", "swapon", "swapoff", "pivot_root", "chroot", "settimeofday",
                        "clock_settime", "socket", "personality"));
        SeccompProfile.Rule socket = strict.syscalls().stream().filter(r -> r.names().contains("socket")).findFirst().orElseThrow();
        assertThat(socket.args()).containsExactly(new SeccompProfile.Arg(0, 1, 0, "SCMP_CMP_EQ"));
        SeccompProfile.Rule clone3 = strict.syscalls().stream().filter(r -> r.names().contains("clone3")).findFirst().orElseThrow();
        assertThat(clone3.action()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(clone3.errnoRet()).isEqualTo(38);
    }

    @Test
    void strictAllowsIoctlPrctlAndSocketpairOnlyForListedArguments() {
        SeccompProfile strict = SeccompProfile.strict();

        assertThat(unconditionallyAllowed(strict)).doesNotContain("ioctl", "prctl", "socketpair", "prlimit64");
        assertThat(allowedValues(strict, "prlimit64", 0)).containsExactly(0L);
        assertThat(allowedValues(strict, "ioctl", 1)).containsExactlyInAnyOrder(0x5401L, 0x5413L, 0x540FL, 0x5410L, 0x541BL,
                0x5421L, 0x5450L, 0x5451L).doesNotContain(0x5412L /* TIOCSTI */, 0x541CL /* TIOCLINUX */);
        assertThat(allowedValues(strict, "prctl", 0)).containsExactlyInAnyOrder(4L, 15L, 16L);
        assertThat(allowedValues(strict, "socketpair", 0)).containsExactly(1L);
    }

    @Test
    void strictAnswersEnosysForTheEscapeCallsByName() {
        Set<String> enosys = SeccompProfile.strict().syscalls().stream()
                .filter(r -> r.action().equals("SCMP_ACT_ERRNO") && Integer.valueOf(38).equals(r.errnoRet()) && r.args().isEmpty())
                .flatMap(r -> r.names().stream()).collect(Collectors.toSet());

        assertThat(enosys).contains("mount", "umount2", "ptrace", "unshare", "setns", "keyctl", "add_key", "bpf",
                "perf_event_open", "userfaultfd", "io_uring_setup", "init_module", "kexec_load", "reboot", "swapon",
                "pivot_root", "chroot", "settimeofday", "clock_settime", "clone3", "open_by_handle_at", "fsopen");
    }

    /** Values an ALLOW rule with one EQ condition on {@code index} permits for {@code name}. */
    static Set<Long> allowedValues(SeccompProfile p, String name, int index) {
        Set<Long> values = new java.util.HashSet<>();
        for (SeccompProfile.Rule r : p.syscalls()) {
            if (r.action().equals("SCMP_ACT_ALLOW") && r.names().contains(name)) {
                assertThat(r.args()).as(name + " rule").hasSize(1);
                SeccompProfile.Arg a = r.args().get(0);
                assertThat(a.index()).isEqualTo(index);
                assertThat(a.op()).isEqualTo("SCMP_CMP_EQ");
                values.add(a.value());
            }
        }
        return values;
    }

    @Test
    void permissiveAllowsByDefaultButRefusesTheDangerousCalls() {
        SeccompProfile permissive = SeccompProfile.permissive();

        assertThat(permissive.defaultAction()).isEqualTo("SCMP_ACT_ALLOW");
        Set<String> denied = permissive.syscalls().stream().filter(r -> r.action().equals("SCMP_ACT_ERRNO") && r.args().isEmpty())
                .flatMap(r -> r.names().stream()).collect(Collectors.toSet());
        assertThat(denied).contains("mount", "ptrace", "unshare", "bpf", "keyctl", "init_module", "reboot", "chroot");
    }

    @Test
    void readsAndWritesLosslessly() {
        String json = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                + "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]}],"
                + "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\"}},"
                + "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}";

        SeccompProfile once = SeccompProfile.parse(json);
        SeccompProfile twice = SeccompProfile.parse(once.toJson());

        assertThat(twice.toJson()).isEqualTo(once.toJson()).contains("archMap", "subArchitectures", "minKernel");
        assertThat(twice.syscalls().get(1).args()).containsExactly(new SeccompProfile.Arg(0, 1, 0, "SCMP_CMP_EQ"));
    }

    @Test
    void refusesUnknownActionsSyscallsAndOperators() {
        assertThatThrownBy(() -> SeccompProfile.parse("{\"defaultAction\":\"SCMP_ACT_MAYBE\",\"architectures\":[\"SCMP_ARCH_X86_64\"]}"))
                .hasMessageContaining("defaultAction 'SCMP_ACT_MAYBE'");
        assertThatThrownBy(() -> SeccompProfile.parse(profile("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_PERMIT\"}")))
                .hasMessageContaining("syscalls[0]: unknown action 'SCMP_ACT_PERMIT'");
        assertThatThrownBy(() -> SeccompProfile.parse(profile("{\"names\":[\"read\",\"frobnicate\"],\"action\":\"SCMP_ACT_ALLOW\"}")))
                .hasMessageContaining("syscalls[0]: unknown syscall 'frobnicate'");
        assertThatThrownBy(() -> SeccompProfile.parse(profile("{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\","
                + "\"args\":[{\"index\":7,\"value\":1,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]}")))
                .hasMessageContaining("index 0..5");
        assertThatThrownBy(() -> SeccompProfile.parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_S390\"],"
                + "\"syscalls\":[]}")).hasMessageContaining("no syscall table for architecture 'SCMP_ARCH_S390'");
        assertThatThrownBy(() -> SeccompProfile.parse("{not json")).hasMessageContaining("not valid JSON");
    }

    @Test
    void refusesAnEmptyAllowListAndContradictions() {
        assertThatThrownBy(() -> SeccompProfile.parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                + "\"syscalls\":[]}")).hasMessageContaining("empty allow-list");
        assertThatThrownBy(() -> SeccompProfile.parse(profile("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                + "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\"}")))
                .hasMessageContaining("'read' is both SCMP_ACT_ALLOW and SCMP_ACT_ERRNO");
    }

    @Test
    void builderDerivesProfiles() {
        SeccompProfile derived = SeccompProfile.strict().toBuilder()
                .allow("inotify_init1", "inotify_add_watch")
                .deny("clock_nanosleep")
                .allowWhen("personality", new SeccompProfile.Arg(0, 8, 0, "SCMP_CMP_EQ"))
                .build();

        assertThat(unconditionallyAllowed(derived)).contains("inotify_init1", "inotify_add_watch").doesNotContain("clock_nanosleep");
        assertThat(derived.syscalls()).anySatisfy(r -> {
            assertThat(r.names()).containsExactly("clock_nanosleep");
            assertThat(r.action()).isEqualTo("SCMP_ACT_ERRNO");
        });
        assertThat(SeccompProfile.strict().toBuilder().auditMode().build().defaultAction()).isEqualTo("SCMP_ACT_LOG");
        assertThatThrownBy(() -> SeccompProfile.strict().toBuilder().allow("no_such_call").build())
                .hasMessageContaining("unknown syscall 'no_such_call'");
    }

    private static String profile(String rules) {
        return "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[" + rules + "]}";
    }
}
