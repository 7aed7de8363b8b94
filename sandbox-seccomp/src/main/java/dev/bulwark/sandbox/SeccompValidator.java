package dev.bulwark.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link SeccompProfile}: known actions and comparison operators, syscall names that
 * exist on the declared architectures, a non-empty allow-list when the default denies, and no
 * syscall both allowed and denied without conditions. Errors name the rule and the entry.
 */
public final class SeccompValidator {

    /** Actions Docker / libseccomp accept. */
    public static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    /** Comparison operators. */
    public static final Set<String> OPS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    private static final Set<String> DENYING = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO");
    private static final Map<String, Set<String>> TABLES = new HashMap<>();

    private SeccompValidator() {
    }

    private static synchronized Set<String> table(String arch) {
        return TABLES.computeIfAbsent(arch, a -> {
            if (!a.equals("SCMP_ARCH_X86_64")) {
                return null;
            }
            try (InputStream in = SeccompValidator.class.getResourceAsStream("syscalls-x86_64.txt")) {
                if (in == null) {
                    throw new IllegalStateException("syscalls-x86_64.txt missing from the jar");
                }
                return Set.copyOf(List.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\\s+")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Validates.
     *
     * @param p the profile
     * @throws IllegalArgumentException naming the first problem found
     */
    public static void validate(SeccompProfile p) {
        if (p.defaultAction() == null || !ACTIONS.contains(p.defaultAction())) {
            throw new IllegalArgumentException("seccomp profile: defaultAction '" + p.defaultAction()
                    + "' is not one of " + new java.util.TreeSet<>(ACTIONS));
        }
        if (p.architectures().isEmpty()) {
            throw new IllegalArgumentException("seccomp profile: 'architectures' is empty; declare at least SCMP_ARCH_X86_64");
        }
        Set<String> known = new HashSet<>();
        for (String arch : p.architectures()) {
            Set<String> t = table(arch);
            if (t == null && !arch.equals("SCMP_ARCH_X86") && !arch.equals("SCMP_ARCH_X32")) {
                throw new IllegalArgumentException("seccomp profile: no syscall table for architecture '" + arch
                        + "'; supported: SCMP_ARCH_X86_64 (with SCMP_ARCH_X86 / SCMP_ARCH_X32 as companions)");
            }
            if (t != null) {
                known.addAll(t);
            }
        }
        if (known.isEmpty()) {
            throw new IllegalArgumentException("seccomp profile: declare SCMP_ARCH_X86_64 so syscall names can be checked");
        }
        Map<String, String> unconditional = new HashMap<>();
        boolean allowsSomething = false;
        List<SeccompProfile.Rule> rules = p.syscalls();
        for (int i = 0; i < rules.size(); i++) {
            SeccompProfile.Rule r = rules.get(i);
            String where = "seccomp profile: syscalls[" + i + "]";
            if (r.action() == null || !ACTIONS.contains(r.action())) {
                throw new IllegalArgumentException(where + ": unknown action '" + r.action() + "'");
            }
            if (r.names().isEmpty()) {
                throw new IllegalArgumentException(where + ": 'names' is empty");
            }
            for (SeccompProfile.Arg a : r.args()) {
                if (a.index() < 0 || a.index() > 5 || a.op() == null || !OPS.contains(a.op())) {
                    throw new IllegalArgumentException(where + ": argument condition " + a
                            + " needs index 0..5 and an op in " + new java.util.TreeSet<>(OPS));
                }
            }
            for (String name : r.names()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException(where + ": unknown syscall '" + name + "' for " + p.architectures());
                }
                if (r.args().isEmpty() && r.other().isEmpty()) {
                    String before = unconditional.put(name, r.action());
                    if (before != null && DENYING.contains(before) != DENYING.contains(r.action())) {
                        throw new IllegalArgumentException(where + ": '" + name + "' is both " + before + " and "
                                + r.action() + " without conditions (contradictory rules)");
                    }
                }
            }
            if (r.action().equals("SCMP_ACT_ALLOW") || r.action().equals("SCMP_ACT_LOG")) {
                allowsSomething = true;
            }
        }
        if (DENYING.contains(p.defaultAction()) && !allowsSomething) {
            throw new IllegalArgumentException("seccomp profile: the default action " + p.defaultAction()
                    + " denies everything and no rule allows anything (empty allow-list): no program could start");
        }
    }
}
