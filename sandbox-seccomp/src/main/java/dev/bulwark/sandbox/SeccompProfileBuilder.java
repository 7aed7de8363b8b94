package dev.bulwark.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Derives a profile from another: allow or deny names, add argument conditions, switch to audit
 * mode ({@code SCMP_ACT_LOG} as the default action: nothing is blocked, the kernel logs what
 * would have been, to learn what a workload needs). {@link #build()} validates.
 *
 * <pre>{@code
 * SeccompProfile mine = SeccompProfile.strict().toBuilder()
 *     .allow("inotify_init1", "inotify_add_watch")
 *     .deny("clock_nanosleep")
 *     .build();
 * }</pre>
 */
public final class SeccompProfileBuilder {

    private String defaultAction;
    private Integer defaultErrnoRet;
    private final List<String> architectures;
    private final List<SeccompProfile.Rule> rules;
    private final java.util.Map<String, Object> other;

    SeccompProfileBuilder(SeccompProfile from) {
        this.defaultAction = from.defaultAction();
        this.defaultErrnoRet = from.defaultErrnoRet();
        this.architectures = new ArrayList<>(from.architectures());
        this.rules = new ArrayList<>(from.syscalls());
        this.other = new java.util.LinkedHashMap<>(from.other());
    }

    /**
     * Allows syscalls unconditionally, removing them from unconditional deny rules.
     *
     * @param names syscalls to allow
     * @return this builder
     */
    public SeccompProfileBuilder allow(String... names) {
        removeUnconditional(List.of(names));
        rules.add(new SeccompProfile.Rule(List.of(names), "SCMP_ACT_ALLOW", null, null, "added by SeccompProfileBuilder.allow"));
        return this;
    }

    /**
     * Refuses syscalls with EPERM, removing them from every allow rule.
     *
     * @param names syscalls to refuse
     * @return this builder
     */
    public SeccompProfileBuilder deny(String... names) {
        List<String> denied = List.of(names);
        rules.replaceAll(r -> {
            if (!r.action().equals("SCMP_ACT_ALLOW")) {
                return r;
            }
            List<String> kept = new ArrayList<>(r.names());
            kept.removeAll(denied);
            return kept.equals(r.names()) ? r : new SeccompProfile.Rule(kept, r.action(), r.errnoRet(), r.args(), r.comment());
        });
        rules.removeIf(r -> r.names().isEmpty());
        rules.add(new SeccompProfile.Rule(denied, "SCMP_ACT_ERRNO", 1, null, "added by SeccompProfileBuilder.deny"));
        return this;
    }

    /**
     * Allows a syscall only when an argument condition holds.
     *
     * @param name the syscall
     * @param condition e.g. {@code new Arg(0, 1, 0, "SCMP_CMP_EQ")}
     * @return this
     */
    public SeccompProfileBuilder allowWhen(String name, SeccompProfile.Arg condition) {
        Objects.requireNonNull(condition, "condition");
        removeUnconditional(List.of(name));
        rules.add(new SeccompProfile.Rule(List.of(name), "SCMP_ACT_ALLOW", null, List.of(condition), "added by allowWhen"));
        return this;
    }

    /** Audit mode: the default action becomes {@code SCMP_ACT_LOG} (log, don't block). @return this */
    public SeccompProfileBuilder auditMode() {
        this.defaultAction = "SCMP_ACT_LOG";
        this.defaultErrnoRet = null;
        return this;
    }

    private void removeUnconditional(List<String> names) {
        rules.replaceAll(r -> {
            if (r.action().equals("SCMP_ACT_ALLOW") || !r.args().isEmpty()) {
                return r;
            }
            List<String> kept = new ArrayList<>(r.names());
            kept.removeAll(names);
            return kept.equals(r.names()) ? r : new SeccompProfile.Rule(kept, r.action(), r.errnoRet(), r.args(), r.comment());
        });
        rules.removeIf(r -> r.names().isEmpty());
    }

    /**
     * Validates and builds.
     *
     * @return the profile
     * @throws IllegalArgumentException naming the problem
     */
    public SeccompProfile build() {
        SeccompProfile p = new SeccompProfile(defaultAction, defaultErrnoRet, architectures, rules, other);
        SeccompValidator.validate(p);
        return p;
    }
}
