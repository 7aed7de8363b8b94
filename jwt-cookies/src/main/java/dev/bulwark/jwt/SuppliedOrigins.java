package dev.bulwark.jwt;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Allowed origins known only after the settings are built (typically the service's own origin,
 * whose port the server picks at start): asked once, at the first check that needs them, then
 * kept. Not API: reached through {@code allowOrigins(Supplier)} of the settings builders.
 */
final class SuppliedOrigins {

    private final Supplier<? extends Collection<String>> supplier;
    private volatile Set<String> resolved;

    SuppliedOrigins(Supplier<? extends Collection<String>> supplier) {
        this.supplier = Objects.requireNonNull(supplier, "origins supplier");
    }

    /**
     * The origins given up front plus those a supplier supplies (asked now if not yet).
     *
     * @param fixed the origins given up front
     * @param supplied the supplier's origins, or null when none was given
     * @return both, unmodifiable
     */
    static Set<String> union(Set<String> fixed, SuppliedOrigins supplied) {
        if (supplied == null) {
            return fixed;
        }
        Set<String> all = new java.util.LinkedHashSet<>(fixed);
        all.addAll(supplied.get());
        return java.util.Collections.unmodifiableSet(all);
    }

    /**
     * The supplied origins, normalised; the supplier is asked on the first call only. When it
     * fails or supplies no valid origin, nothing is kept (so no request is let through on a
     * guess) and the next call asks again.
     *
     * @throws IllegalStateException naming JWT_ALLOWED_ORIGINS when the supplier's answer is not a list of origins
     */
    Set<String> get() {
        Set<String> r = resolved;
        if (r == null) {
            synchronized (this) {
                r = resolved;
                if (r == null) {
                    r = resolve();
                    resolved = r;
                }
            }
        }
        return r;
    }

    private Set<String> resolve() {
        Collection<String> supplied = supplier.get();
        if (supplied == null || supplied.isEmpty()) {
            throw new IllegalStateException("the allowed-origins supplier (allowOrigins(Supplier), beside JWT_ALLOWED_ORIGINS) "
                    + "supplied no origin; it is asked at the first request, when the server must know its own origin");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String origin : supplied) {
            if (origin == null) {
                throw new IllegalStateException("the allowed-origins supplier (allowOrigins(Supplier)) supplied a null origin");
            }
            try {
                out.add(JwtSettings.Builder.normaliseOrigin(origin));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the allowed-origins supplier (allowOrigins(Supplier)) supplied a bad origin: "
                        + e.getMessage(), e);
            }
        }
        return Set.copyOf(out);
    }

    /** Whether the origins were asked for already (for {@code toString}, which must not ask). */
    boolean resolved() {
        return resolved != null;
    }

    @Override
    public String toString() {
        Set<String> r = resolved;
        return r == null ? "<supplied at the first request>" : r.toString();
    }
}
