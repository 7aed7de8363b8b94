package dev.bulwark.jwt;

import dev.bulwark.core.internal.Env;
import dev.bulwark.jwt.internal.IpRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Immutable settings of {@link LoginGuard}: attempt limits per user name and per client, the
 * window they are counted in, the lockout, and the origins a login may come from.
 */
public final class LoginGuardSettings {

    /** Default attempts per user name within the window before it is throttled ({@code JWT_LOGIN_MAX_ATTEMPTS_PER_USER}). */
    public static final int DEFAULT_MAX_ATTEMPTS_PER_USER = 5;
    /** Default attempts per client address within the window ({@code JWT_LOGIN_MAX_ATTEMPTS_PER_CLIENT}). */
    public static final int DEFAULT_MAX_ATTEMPTS_PER_CLIENT = 50;
    /** Default window attempts are counted in ({@code JWT_LOGIN_WINDOW_SECONDS}). */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    /** Default time a throttled user name or client waits ({@code JWT_LOGIN_LOCKOUT_SECONDS}). */
    public static final Duration DEFAULT_LOCKOUT = Duration.ofMinutes(15);
    private static final int MAX_ATTEMPTS = 1_000_000;
    private static final int MIN_SECRET_BYTES = 32;
    private static final Duration MAX_DURATION = Duration.ofDays(1);

    private final int maxAttemptsPerUser;
    private final int maxAttemptsPerClient;
    private final Duration window;
    private final Duration lockout;
    private final Set<String> allowedOrigins;
    private final SuppliedOrigins suppliedOrigins;
    private final List<IpRange> trustedProxies;
    private final byte[] throttleKeySecret;

    private LoginGuardSettings(Builder b) {
        this.maxAttemptsPerUser = b.maxAttemptsPerUser;
        this.maxAttemptsPerClient = b.maxAttemptsPerClient;
        this.window = b.window;
        this.lockout = b.lockout;
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.suppliedOrigins = b.suppliedOrigins;
        this.trustedProxies = List.copyOf(b.trustedProxies);
        this.throttleKeySecret = b.throttleKeySecret == null ? null : b.throttleKeySecret.clone();
    }

    /**
     * A builder, every setting at its default and no origin allowed.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = builder().maxAttemptsPerUser(maxAttemptsPerUser).maxAttemptsPerClient(maxAttemptsPerClient)
                .window(window).lockout(lockout);
        allowedOrigins.forEach(b::allowOrigin);
        b.suppliedOrigins = suppliedOrigins;
        trustedProxies.forEach(r -> b.trustProxy(r.toString()));
        if (throttleKeySecret != null) {
            b.throttleKeySecret(throttleKeySecret);
        }
        return b;
    }

    /**
     * Reads {@code JWT_LOGIN_*} and {@code JWT_ALLOWED_ORIGINS} (a JVM system property of the same
     * name wins).
     *
     * @return the settings
     * @throws IllegalArgumentException naming the variable when one is invalid
     */
    public static LoginGuardSettings fromEnvironment() {
        return fromEnvironment(Env.system("JWT_"));
    }

    /**
     * Reads the settings from the given variables.
     *
     * <table>
     *   <caption>Variables</caption>
     *   <tr><td>{@code JWT_LOGIN_MAX_ATTEMPTS_PER_USER}</td><td>5</td></tr>
     *   <tr><td>{@code JWT_LOGIN_MAX_ATTEMPTS_PER_CLIENT}</td><td>50</td></tr>
     *   <tr><td>{@code JWT_LOGIN_WINDOW_SECONDS}, {@code JWT_LOGIN_LOCKOUT_SECONDS}</td><td>900 / 900</td></tr>
     *   <tr><td>{@code JWT_ALLOWED_ORIGINS}</td><td>comma-separated origins (none)</td></tr>
     *   <tr><td>{@code JWT_TRUSTED_PROXIES}</td><td>comma-separated addresses / CIDR ranges (none)</td></tr>
     *   <tr><td>{@code JWT_LOGIN_THROTTLE_SECRET}</td><td>base64, ≥ 32 bytes decoded, the same on every replica
     *       (none: keys are plain SHA-256, with a warning for a shared store)</td></tr>
     * </table>
     *
     * @param env variable name to value
     * @return the settings
     * @throws IllegalArgumentException naming the variable when one is invalid
     */
    public static LoginGuardSettings fromEnvironment(Map<String, String> env) {
        Env r = Env.of(env);
        Builder b = builder();
        r.integer("JWT_LOGIN_MAX_ATTEMPTS_PER_USER", 1, MAX_ATTEMPTS).ifPresent(b::maxAttemptsPerUser);
        r.integer("JWT_LOGIN_MAX_ATTEMPTS_PER_CLIENT", 1, MAX_ATTEMPTS).ifPresent(b::maxAttemptsPerClient);
        r.longValue("JWT_LOGIN_WINDOW_SECONDS", 1, MAX_DURATION.toSeconds()).map(Duration::ofSeconds).ifPresent(b::window);
        r.longValue("JWT_LOGIN_LOCKOUT_SECONDS", 1, MAX_DURATION.toSeconds()).map(Duration::ofSeconds).ifPresent(b::lockout);
        r.list("JWT_ALLOWED_ORIGINS").forEach(b::allowOrigin);
        r.list("JWT_TRUSTED_PROXIES").forEach(b::trustProxy);
        r.string("JWT_LOGIN_THROTTLE_SECRET").ifPresent(value -> {
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("throttleKeySecret (JWT_LOGIN_THROTTLE_SECRET) must be base64, for "
                        + "example the output of 'openssl rand -base64 32'", e);
            }
            b.throttleKeySecret(secret);
        });
        return b.build();
    }

    /** Attempts per user name within {@link #window()} before it is throttled; a successful login resets them. */
    public int maxAttemptsPerUser() {
        return maxAttemptsPerUser;
    }

    /** Attempts per client address within {@link #window()}; a successful login takes its attempt back. */
    public int maxAttemptsPerClient() {
        return maxAttemptsPerClient;
    }

    /** How long attempts are counted together. */
    public Duration window() {
        return window;
    }

    /** How long a throttled user name or client waits (every attempt meanwhile gets 429). */
    public Duration lockout() {
        return lockout;
    }

    /**
     * Origins (scheme://host[:port]) a login may come from: those given up front and, when
     * {@link Builder#allowOrigins(Supplier)} was used, those its supplier supplies (asked on the
     * first call, normally the first login that sends an origin).
     *
     * @return the allowed origins, normalised
     */
    public Set<String> allowedOrigins() {
        return SuppliedOrigins.union(allowedOrigins, suppliedOrigins);
    }

    /** Whether no origin is allowed and none will be supplied (without asking a supplier). */
    boolean noOriginAllowed() {
        return allowedOrigins.isEmpty() && suppliedOrigins == null;
    }

    /**
     * Reverse proxies (addresses or CIDR ranges) whose {@code X-Forwarded-For} is believed by
     * {@link LoginGuard#clientAddress}; empty: the peer is the client.
     */
    public List<String> trustedProxies() {
        return trustedProxies.stream().map(IpRange::toString).toList();
    }

    /**
     * Whether a secret is set for the throttle keys ({@code JWT_LOGIN_THROTTLE_SECRET}): then the
     * keys that reach the {@link ThrottleStore} are HMAC-SHA256 of the user name or client address
     * under it, which someone reading the store cannot reverse by enumerating addresses or names.
     * Replicas sharing a store must use the same secret, or each counts apart. Never printed.
     */
    public boolean hasThrottleKeySecret() {
        return throttleKeySecret != null;
    }

    /** The throttle key secret (a copy), or null. */
    byte[] throttleKeySecret() {
        return throttleKeySecret == null ? null : throttleKeySecret.clone();
    }

    /** Whether the address is one of the trusted proxies. */
    boolean trustedProxy(String address) {
        for (IpRange r : trustedProxies) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "LoginGuardSettings{maxAttemptsPerUser=" + maxAttemptsPerUser + ", maxAttemptsPerClient="
                + maxAttemptsPerClient + ", window=" + window + ", lockout=" + lockout + ", allowedOrigins="
                + allowedOrigins + (suppliedOrigins == null ? "" : " + " + suppliedOrigins) + ", trustedProxies="
                + trustedProxies + ", throttleKeySecret=" + (throttleKeySecret == null ? "unset" : "set") + "}";
    }

    /** Builds {@link LoginGuardSettings}; values are validated in {@link #build()}. */
    public static final class Builder {
        private int maxAttemptsPerUser = DEFAULT_MAX_ATTEMPTS_PER_USER;
        private int maxAttemptsPerClient = DEFAULT_MAX_ATTEMPTS_PER_CLIENT;
        private Duration window = DEFAULT_WINDOW;
        private Duration lockout = DEFAULT_LOCKOUT;
        private byte[] throttleKeySecret;
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private SuppliedOrigins suppliedOrigins;
        private final List<IpRange> trustedProxies = new ArrayList<>();

        private Builder() {
        }

        /**
         * Attempts per user name within the window.
         *
         * @param n 1..1000000
         * @return this
         */
        public Builder maxAttemptsPerUser(int n) {
            this.maxAttemptsPerUser = n;
            return this;
        }

        /**
         * Attempts per client address within the window.
         *
         * @param n 1..1000000
         * @return this
         */
        public Builder maxAttemptsPerClient(int n) {
            this.maxAttemptsPerClient = n;
            return this;
        }

        /**
         * The counting window.
         *
         * @param window 1 s..1 day
         * @return this
         */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /**
         * The lockout.
         *
         * @param lockout 1 s..1 day
         * @return this
         */
        public Builder lockout(Duration lockout) {
            this.lockout = lockout;
            return this;
        }

        /**
         * Allows logins from an origin.
         *
         * @param origin scheme://host[:port], e.g. https://app.example.com
         * @return this
         * @throws IllegalArgumentException when it is not such an origin
         */
        public Builder allowOrigin(String origin) {
            allowedOrigins.add(JwtSettings.Builder.normaliseOrigin(origin));
            return this;
        }

        /**
         * Allows logins from origins known only after the settings are built (the service's own
         * origin when the server picks its port at start): asked once, at the first login that
         * sends an origin, and kept; as {@link JwtSettings.Builder#allowOrigins(Supplier)}.
         * Replaces a supplier set before.
         *
         * @param origins supplies origins such as {@code http://localhost:8080}
         * @return this
         */
        public Builder allowOrigins(Supplier<? extends Collection<String>> origins) {
            this.suppliedOrigins = new SuppliedOrigins(origins);
            return this;
        }

        /**
         * Trusts a reverse proxy: when the peer is in one of these ranges, the client is the
         * right-most {@code X-Forwarded-For} hop not in them (see {@link LoginGuard#clientAddress}).
         *
         * @param cidr an address or CIDR range, e.g. {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}
         * @return this
         * @throws IllegalArgumentException naming JWT_TRUSTED_PROXIES when it is not one
         */
        public Builder trustProxy(String cidr) {
            try {
                trustedProxies.add(IpRange.parse(cidr));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trustedProxies (JWT_TRUSTED_PROXIES): " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Sets the secret throttle keys are derived with (HMAC-SHA256), the same on every replica
         * sharing the store ({@code JWT_LOGIN_THROTTLE_SECRET}).
         *
         * @param secret at least 32 bytes (copied)
         * @return this builder
         * @throws IllegalArgumentException naming JWT_LOGIN_THROTTLE_SECRET when shorter
         */
        public Builder throttleKeySecret(byte[] secret) {
            if (secret == null || secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("throttleKeySecret (JWT_LOGIN_THROTTLE_SECRET) must be at least "
                        + MIN_SECRET_BYTES + " bytes, got " + (secret == null ? "null" : secret.length + " bytes")
                        + ": generate one with 'openssl rand -base64 32'");
            }
            this.throttleKeySecret = secret.clone();
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting, its variable and range
         */
        public LoginGuardSettings build() {
            if (maxAttemptsPerUser < 1 || maxAttemptsPerUser > MAX_ATTEMPTS) {
                throw new IllegalArgumentException("maxAttemptsPerUser (JWT_LOGIN_MAX_ATTEMPTS_PER_USER) must be 1.."
                        + MAX_ATTEMPTS + ", got " + maxAttemptsPerUser);
            }
            if (maxAttemptsPerClient < 1 || maxAttemptsPerClient > MAX_ATTEMPTS) {
                throw new IllegalArgumentException("maxAttemptsPerClient (JWT_LOGIN_MAX_ATTEMPTS_PER_CLIENT) must be 1.."
                        + MAX_ATTEMPTS + ", got " + maxAttemptsPerClient);
            }
            within("window", "JWT_LOGIN_WINDOW_SECONDS", window);
            within("lockout", "JWT_LOGIN_LOCKOUT_SECONDS", lockout);
            return new LoginGuardSettings(this);
        }

        private static void within(String field, String variable, Duration value) {
            if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(field + " (" + variable + ") must be between 1 and "
                        + MAX_DURATION.toSeconds() + " seconds, got " + (value == null ? "null" : value.toSeconds() + " s"));
            }
        }
    }
}
