package dev.bulwark.core.internal;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings from environment variables with errors that name the variable, the value and
 * what is accepted: the one reader behind every module's {@code fromEnvironment()}.
 *
 * <p>Absent and blank values are "unset"; present values are trimmed. Numbers are parsed as
 * {@code long} and range-checked before any narrowing, so an out-of-range value can never wrap
 * into range. Values of secret variables are never repeated in an error.
 */
public final class Env {
    private final Map<String, String> values;

    private Env(Map<String, String> values) {
        this.values = values;
    }

    /**
     * A reader over the given variables.
     *
     * @param values variable name to value; absent or blank means unset
     * @return the reader
     */
    public static Env of(Map<String, String> values) {
        return new Env(Objects.requireNonNull(values, "env"));
    }

    /**
     * The process environment with every JVM system property whose name starts with one of the
     * prefixes laid over it ({@code -DDB_POOL_SIZE=10} wins over {@code DB_POOL_SIZE}).
     *
     * @param prefixes name prefixes of the module's variables, such as {@code "DB_"}
     * @return a new mutable map
     */
    public static Map<String, String> system(String... prefixes) {
        Map<String, String> merged = new HashMap<>(System.getenv());
        for (String name : System.getProperties().stringPropertyNames()) {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    merged.put(name, System.getProperty(name));
                    break;
                }
            }
        }
        return merged;
    }

    /**
     * Whether the variable is set to a non-blank value.
     *
     * @param name variable name
     * @return true when set
     */
    public boolean has(String name) {
        return string(name).isPresent();
    }

    /**
     * The trimmed value.
     *
     * @param name variable name
     * @return the value, empty when unset
     */
    public Optional<String> string(String name) {
        return Optional.ofNullable(value(name));
    }

    /*
     * No lambdas below: each one's first use links a call site, ~1 ms apiece in a fresh JVM's
     * interpreter, and a command line reads its settings on the way to its first real work.
     */

    /** The trimmed value, or null when unset. */
    private String value(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * The trimmed value, or a fallback.
     *
     * @param name variable name
     * @param fallback value when unset
     * @return the value or the fallback
     */
    public String string(String name, String fallback) {
        return string(name).orElse(fallback);
    }

    /**
     * A comma-separated list, blank items dropped.
     *
     * @param name variable name
     * @return the items, empty when unset
     */
    public List<String> list(String name) {
        List<String> out = new ArrayList<>();
        String v = value(name);
        if (v != null) {
            for (String item : v.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * A whole number within a range.
     *
     * @param name variable name
     * @param min smallest accepted value
     * @param max largest accepted value
     * @return the value, empty when unset
     * @throws IllegalArgumentException naming the variable, the value and the range
     */
    public Optional<Long> longValue(String name, long min, long max) {
        return whole(name, min, max, " from " + min + " to " + max);
    }

    private Optional<Long> whole(String name, long min, long max, String range) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        long n = parseWhole(name, v, range);
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", got " + n);
        }
        return Optional.of(n);
    }

    /** {@code v} as a {@code long}; else an error naming the variable, {@code what} it must be, and the value. */
    private static long parseWhole(String name, String v, String what) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number" + what + ", got '" + v + "'", e);
        }
    }

    private static Optional<Integer> narrowed(Optional<Long> v) {
        return v.isPresent() ? Optional.of(v.get().intValue()) : Optional.empty();
    }

    /**
     * A whole number within a range that fits an {@code int}; checked as a {@code long} first.
     *
     * @param name variable name
     * @param min smallest accepted value
     * @param max largest accepted value
     * @return the value, empty when unset
     * @throws IllegalArgumentException naming the variable, the value and the range
     */
    public Optional<Integer> integer(String name, int min, int max) {
        return narrowed(longValue(name, min, max));
    }

    /**
     * A whole number that fits an {@code int} (the settings' own validation checks its range).
     *
     * @param name variable name
     * @return the value, empty when unset
     * @throws IllegalArgumentException naming the variable when it is not a number or does not fit
     */
    public Optional<Integer> integer(String name) {
        return narrowed(whole(name, Integer.MIN_VALUE, Integer.MAX_VALUE, ""));
    }

    /**
     * A decimal number within a range.
     *
     * @param name variable name
     * @param min smallest accepted value
     * @param max largest accepted value
     * @return the value, empty when unset
     * @throws IllegalArgumentException naming the variable, the value and the range
     */
    public Optional<Double> decimal(String name, double min, double max) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number from " + min + " to " + max
                    + ", got '" + v + "'", e);
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", got " + v);
        }
        return Optional.of(d);
    }

    /**
     * A decimal number (not NaN or infinite; the settings' own validation checks its range).
     *
     * @param name variable name
     * @return the value, empty when unset
     * @throws IllegalArgumentException naming the variable when it is not a finite number
     */
    public Optional<Double> decimal(String name) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return Optional.of(d);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'", e);
        }
        throw new IllegalArgumentException(name + " must be a finite number, got '" + v + "'");
    }

    /**
     * A duration written as a whole number of the given unit ({@code DB_POOL_TIMEOUT_MS=3000});
     * the settings' own validation checks its range (negative values included).
     *
     * @param name variable name
     * @param unit unit of the number
     * @return the duration, empty when unset
     * @throws IllegalArgumentException naming the variable and the unit
     */
    public Optional<Duration> duration(String name, ChronoUnit unit) {
        long seconds = unit.getDuration().getSeconds();
        long limit = seconds == 0 ? Long.MAX_VALUE : Long.MAX_VALUE / seconds;
        String unitName = unit.toString().toLowerCase(Locale.ROOT);
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        long n = parseWhole(name, v, " of " + unitName);
        if (n > limit || n < -limit) {
            throw new IllegalArgumentException(name + " must be at most " + limit + " " + unitName + ", got " + n);
        }
        return Optional.of(Duration.of(n, unit));
    }

    /**
     * A boolean written as {@code true} or {@code false} (any case); anything else is an error.
     *
     * @param name variable name
     * @return the value, empty when unset
     * @throws IllegalArgumentException naming the variable and the value
     */
    public Optional<Boolean> bool(String name) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.equalsIgnoreCase("true")) {
            return Optional.of(Boolean.TRUE);
        }
        if (v.equalsIgnoreCase("false")) {
            return Optional.of(Boolean.FALSE);
        }
        throw new IllegalArgumentException(name + " must be 'true' or 'false', got '" + v + "'");
    }

    /**
     * An absolute {@code http} or {@code https} URL.
     *
     * @param name variable name
     * @return the URL, empty when unset
     * @throws IllegalArgumentException naming the variable when the value is not such a URL
     */
    public Optional<URI> httpUrl(String name) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an absolute http:// or https:// URL, got '"
                    + v + "'");
        }
        return Optional.of(uri);
    }

    /**
     * A file-system path.
     *
     * @param name variable name
     * @return the path, empty when unset
     * @throws IllegalArgumentException naming the variable when the value is not a path here
     */
    public Optional<Path> path(String name) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(v));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + " is not a valid path: " + e.getMessage(), e);
        }
    }

    /**
     * A value converted by a parser; an {@link IllegalArgumentException} from the parser comes
     * back prefixed with the variable's name.
     *
     * @param name variable name
     * @param parser conversion, throwing {@link IllegalArgumentException} for a bad value
     * @param <T> the converted type
     * @return the converted value, empty when unset
     */
    public <T> Optional<T> parsed(String name, Function<String, T> parser) {
        String v = value(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(parser.apply(v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }
}
