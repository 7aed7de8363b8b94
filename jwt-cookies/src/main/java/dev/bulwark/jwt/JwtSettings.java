package dev.bulwark.jwt;

import dev.bulwark.core.internal.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Immutable settings of {@link JwtCookieAuth}: keys, issuer and audience, lifetimes, cookie and
 * CSRF settings. Secure by default; the one unsafe switch, {@link Builder#insecureCookiesForLocalDevelopment()},
 * is named for what it is and logs a warning when used.
 *
 * <table>
 *   <caption>Cookies (secure mode)</caption>
 *   <tr><th>cookie</th><th>attributes</th></tr>
 *   <tr><td>{@code __Host-access_token}</td><td>{@code HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<access TTL>}</td></tr>
 *   <tr><td>{@code __Secure-refresh_token}</td><td>{@code HttpOnly; Secure; SameSite=Strict; Path=<refresh path>; Max-Age=<refresh TTL>}</td></tr>
 *   <tr><td>{@code __Host-csrf}</td><td>readable by page script (double submit); {@code Secure; SameSite=Strict; Path=/}</td></tr>
 *   <tr><td>{@code __Host-fgp}</td><td>fingerprint, when enabled: {@code HttpOnly; Secure; SameSite=Strict; Path=/}</td></tr>
 * </table>
 */
public final class JwtSettings {

    /** Default access-token lifetime ({@code JWT_ACCESS_TTL_SECONDS}). */
    public static final Duration DEFAULT_ACCESS_TTL = Duration.ofMinutes(15);
    /** Default refresh-token lifetime ({@code JWT_REFRESH_TTL_SECONDS}). */
    public static final Duration DEFAULT_REFRESH_TTL = Duration.ofDays(7);
    /** Default absolute session lifetime, from login, across every refresh ({@code JWT_SESSION_MAX_AGE}, seconds). */
    public static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofDays(30);
    /** Default idle limit: longest gap between two refreshes of a session ({@code JWT_SESSION_IDLE_TIMEOUT}, seconds). */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofHours(24);
    /**
     * Default grace during which the refresh token spent just before the current one is still
     * honoured, for concurrent refreshes from several tabs ({@code JWT_REFRESH_REUSE_GRACE}, seconds; 0 = off).
     */
    public static final Duration DEFAULT_REFRESH_REUSE_GRACE = Duration.ofSeconds(5);
    /** Default cap on a user's concurrent sessions; 0 = no cap ({@code JWT_MAX_SESSIONS_PER_USER}). */
    public static final int DEFAULT_MAX_SESSIONS_PER_USER = 0;
    /** Default allowed clock skew for exp / nbf / iat ({@code JWT_CLOCK_SKEW_SECONDS}). */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Default cap on a token's size, checked before parsing ({@code JWT_MAX_TOKEN_BYTES}). */
    public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
    /** Default size of the verified-token cache; 0 turns it off ({@code JWT_CACHE_SIZE}). */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    private static final int MIN_TOKEN_BYTES = 512;
    private static final int MAX_TOKEN_BYTES = 65_536;
    private static final int MAX_CACHE_SIZE = 1_000_000;
    private static final int MAX_SESSIONS_CAP = 1_000;
    /** Larger than any accepted duration setting (10 years); bounds the parse before {@link Duration#ofSeconds}. */
    private static final long MAX_SECONDS = 10L * 366 * 24 * 3600;
    /** Default path the refresh cookie is scoped to ({@code JWT_REFRESH_PATH}). */
    public static final String DEFAULT_REFRESH_PATH = "/auth";
    /** Header the page echoes the CSRF cookie in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final JwtKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration accessTtl;
    private final Duration refreshTtl;
    private final Duration clockSkew;
    private final Duration sessionMaxAge;
    private final Duration sessionIdleTimeout;
    private final Duration refreshReuseGrace;
    private final int maxSessionsPerUser;
    private final boolean bearerFallback;
    private final Set<String> allowedOrigins;
    private final SuppliedOrigins suppliedOrigins;
    private final String refreshPath;
    private final boolean fingerprint;
    private final int maxTokenBytes;
    private final int cacheSize;
    private final boolean insecureCookies;

    private JwtSettings(Builder b) {
        this.keys = b.keys;
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.accessTtl = b.accessTtl;
        this.refreshTtl = b.refreshTtl;
        this.clockSkew = b.clockSkew;
        this.sessionMaxAge = b.sessionMaxAge;
        this.sessionIdleTimeout = b.sessionIdleTimeout;
        this.refreshReuseGrace = b.refreshReuseGrace;
        this.maxSessionsPerUser = b.maxSessionsPerUser;
        this.bearerFallback = b.bearerFallback;
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.suppliedOrigins = b.suppliedOrigins;
        this.refreshPath = b.refreshPath;
        this.fingerprint = b.fingerprint;
        this.maxTokenBytes = b.maxTokenBytes;
        this.cacheSize = b.cacheSize;
        this.insecureCookies = b.insecureCookies;
    }

    /**
     * A builder holding every value of these settings, to change a few and build again.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(keys);
        b.issuer = issuer;
        b.audience = audience;
        b.accessTtl = accessTtl;
        b.refreshTtl = refreshTtl;
        b.clockSkew = clockSkew;
        b.sessionMaxAge = sessionMaxAge;
        b.sessionIdleTimeout = sessionIdleTimeout;
        b.refreshReuseGrace = refreshReuseGrace;
        b.maxSessionsPerUser = maxSessionsPerUser;
        b.bearerFallback = bearerFallback;
        b.refreshPath = refreshPath;
        b.fingerprint = fingerprint;
        b.maxTokenBytes = maxTokenBytes;
        b.cacheSize = cacheSize;
        b.insecureCookies = insecureCookies;
        b.allowedOrigins.addAll(allowedOrigins);
        b.suppliedOrigins = suppliedOrigins;
        return b;
    }

    /**
     * A builder.
     *
     * @param keys the signing / verification keys
     * @return a builder with every other setting at its default
     */
    public static Builder builder(JwtKeys keys) {
        return new Builder(keys);
    }

    /**
     * Reads {@code JWT_*} environment variables (a JVM system property of the same name wins).
     *
     * @return the settings
     * @throws IllegalArgumentException naming the variable when one is missing or invalid
     */
    public static JwtSettings fromEnvironment() {
        return fromEnvironment(Env.system("JWT_"));
    }

    /**
     * Reads the settings from the given variables.
     *
     * <table>
     *   <caption>Variables</caption>
     *   <tr><td>{@code JWT_JWKS} / {@code JWT_JWKS_FILE}</td><td>JWK set (JSON / file); the first signing key valid now signs</td></tr>
     *   <tr><td>{@code JWT_SECRET}, {@code JWT_KEY_ID}</td><td>HS256 secret, base64 (≥ 32 bytes decoded), kid (k1)</td></tr>
     *   <tr><td>{@code JWT_ISSUER}, {@code JWT_AUDIENCE}</td><td>iss / aud written and required (bulwark / bulwark)</td></tr>
     *   <tr><td>{@code JWT_ACCESS_TTL_SECONDS}, {@code JWT_REFRESH_TTL_SECONDS}</td><td>900 / 604800</td></tr>
     *   <tr><td>{@code JWT_SESSION_MAX_AGE}, {@code JWT_SESSION_IDLE_TIMEOUT}</td><td>seconds: 30 days / 1 day</td></tr>
     *   <tr><td>{@code JWT_REFRESH_REUSE_GRACE}</td><td>seconds: 5 (0 disables)</td></tr>
     *   <tr><td>{@code JWT_MAX_SESSIONS_PER_USER}</td><td>0 (no cap)</td></tr>
     *   <tr><td>{@code JWT_CLOCK_SKEW_SECONDS}</td><td>30</td></tr>
     *   <tr><td>{@code JWT_BEARER_FALLBACK}</td><td>true</td></tr>
     *   <tr><td>{@code JWT_ALLOWED_ORIGINS}</td><td>comma-separated origins for CSRF (none)</td></tr>
     *   <tr><td>{@code JWT_REFRESH_PATH}</td><td>/auth</td></tr>
     *   <tr><td>{@code JWT_FINGERPRINT}</td><td>false</td></tr>
     *   <tr><td>{@code JWT_MAX_TOKEN_BYTES}, {@code JWT_CACHE_SIZE}</td><td>8192 / 10000</td></tr>
     *   <tr><td>{@code JWT_INSECURE_DEV_COOKIES}</td><td>false; true drops Secure and the cookie prefixes</td></tr>
     * </table>
     *
     * @param env variable name to value
     * @return the settings
     * @throws IllegalArgumentException naming the variable when one is missing or invalid
     */
    public static JwtSettings fromEnvironment(Map<String, String> env) {
        Env r = Env.of(env);
        JwtKeys keys;
        if (r.has("JWT_JWKS")) {
            keys = JwtKeys.fromJwks(env.get("JWT_JWKS"));
        } else if (r.has("JWT_JWKS_FILE")) {
            keys = JwtKeys.fromJwksFile(r.path("JWT_JWKS_FILE").orElseThrow());
        } else if (r.has("JWT_SECRET")) {
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(r.string("JWT_SECRET").orElseThrow());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("JWT_SECRET must be base64 (for example the output of "
                        + "'openssl rand -base64 32'): " + e.getMessage(), e);
            }
            keys = JwtKeys.hmac(r.string("JWT_KEY_ID", "k1"), secret);
        } else {
            throw new IllegalArgumentException("No JWT key configured: set JWT_SECRET (base64, ≥ 32 bytes), "
                    + "JWT_JWKS or JWT_JWKS_FILE");
        }
        Builder b = builder(keys);
        r.string("JWT_ISSUER").ifPresent(b::issuer);
        r.string("JWT_AUDIENCE").ifPresent(b::audience);
        seconds(r, "JWT_ACCESS_TTL_SECONDS").ifPresent(b::accessTtl);
        seconds(r, "JWT_REFRESH_TTL_SECONDS").ifPresent(b::refreshTtl);
        seconds(r, "JWT_CLOCK_SKEW_SECONDS").ifPresent(b::clockSkew);
        seconds(r, "JWT_SESSION_MAX_AGE").ifPresent(b::sessionMaxAge);
        seconds(r, "JWT_SESSION_IDLE_TIMEOUT").ifPresent(b::sessionIdleTimeout);
        seconds(r, "JWT_REFRESH_REUSE_GRACE").ifPresent(b::refreshReuseGrace);
        r.integer("JWT_MAX_SESSIONS_PER_USER", 0, MAX_SESSIONS_CAP).ifPresent(b::maxSessionsPerUser);
        r.bool("JWT_BEARER_FALLBACK").ifPresent(b::bearerFallback);
        r.list("JWT_ALLOWED_ORIGINS").forEach(b::allowOrigin);
        r.string("JWT_REFRESH_PATH").ifPresent(b::refreshPath);
        r.bool("JWT_FINGERPRINT").ifPresent(b::fingerprint);
        r.integer("JWT_MAX_TOKEN_BYTES", MIN_TOKEN_BYTES, MAX_TOKEN_BYTES).ifPresent(b::maxTokenBytes);
        r.integer("JWT_CACHE_SIZE", 0, MAX_CACHE_SIZE).ifPresent(b::cacheSize);
        if (r.bool("JWT_INSECURE_DEV_COOKIES").orElse(false)) {
            b.insecureCookiesForLocalDevelopment();
        }
        return b.build();
    }

    /** Whole seconds, range-checked as a long before it becomes a duration: never wrapped. */
    private static java.util.Optional<Duration> seconds(Env r, String name) {
        return r.longValue(name, 0, MAX_SECONDS).map(Duration::ofSeconds);
    }

    /** The keys. */
    public JwtKeys keys() {
        return keys;
    }

    /** {@code iss} written into tokens and required of them. */
    public String issuer() {
        return issuer;
    }

    /** {@code aud} written into tokens and required of them. */
    public String audience() {
        return audience;
    }

    /** Access-token lifetime (and its cookie's Max-Age). */
    public Duration accessTtl() {
        return accessTtl;
    }

    /** Refresh-token lifetime (and its cookie's Max-Age). */
    public Duration refreshTtl() {
        return refreshTtl;
    }

    /** Tolerance for clock differences on exp / nbf / iat. */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** Absolute lifetime of a session: no refresh is honoured this long after the login, however active the session. */
    public Duration sessionMaxAge() {
        return sessionMaxAge;
    }

    /** Idle limit: a refresh token not used for this long (since it was issued) is refused. */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /**
     * How long the refresh token spent just before the current one is still honoured (concurrent
     * refreshes from several tabs); {@link Duration#ZERO} means any replay revokes the family.
     */
    public Duration refreshReuseGrace() {
        return refreshReuseGrace;
    }

    /** Most concurrent sessions per user (the oldest end at a login over the cap); 0 = no cap. */
    public int maxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    /** Whether {@code Authorization: Bearer} is accepted when no access cookie is present. */
    public boolean bearerFallback() {
        return bearerFallback;
    }

    /**
     * Origins (scheme://host[:port]) allowed to make cookie-authenticated unsafe requests: those
     * given up front and, when {@link Builder#allowOrigins(Supplier)} was used, those its supplier
     * supplies (asked on the first call, normally the first request that checks an origin).
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

    /** Path the refresh cookie is sent to. */
    public String refreshPath() {
        return refreshPath;
    }

    /** Whether tokens are bound to a fingerprint cookie (OWASP token sidejacking defence). */
    public boolean fingerprint() {
        return fingerprint;
    }

    /** Tokens longer than this are refused before parsing. */
    public int maxTokenBytes() {
        return maxTokenBytes;
    }

    /** Entries in the verified-token cache; 0 = off. */
    public int cacheSize() {
        return cacheSize;
    }

    /** True only when the development switch dropped {@code Secure} and the cookie prefixes. */
    public boolean insecureCookies() {
        return insecureCookies;
    }

    /** Name of the access-token cookie. */
    public String accessCookie() {
        return insecureCookies ? "access_token" : "__Host-access_token";
    }

    /** Name of the refresh-token cookie. */
    public String refreshCookie() {
        return insecureCookies ? "refresh_token" : "__Secure-refresh_token";
    }

    /** Name of the readable CSRF cookie. */
    public String csrfCookie() {
        return insecureCookies ? "csrf" : "__Host-csrf";
    }

    /** Name of the fingerprint cookie. */
    public String fingerprintCookie() {
        return insecureCookies ? "fgp" : "__Host-fgp";
    }

    @Override
    public String toString() {
        return "JwtSettings{keys=" + keys + ", issuer=" + issuer + ", audience=" + audience + ", accessTtl=" + accessTtl
                + ", refreshTtl=" + refreshTtl + ", clockSkew=" + clockSkew + ", sessionMaxAge=" + sessionMaxAge
                + ", sessionIdleTimeout=" + sessionIdleTimeout + ", refreshReuseGrace=" + refreshReuseGrace
                + ", maxSessionsPerUser=" + maxSessionsPerUser + ", bearerFallback=" + bearerFallback
                + ", allowedOrigins=" + allowedOrigins + (suppliedOrigins == null ? "" : " + " + suppliedOrigins)
                + ", refreshPath=" + refreshPath + ", fingerprint=" + fingerprint
                + ", maxTokenBytes=" + maxTokenBytes + ", cacheSize=" + cacheSize + ", insecureCookies=" + insecureCookies
                + "}";
    }

    /** Builds {@link JwtSettings}; values are validated in {@link #build()}. */
    public static final class Builder {
        private final JwtKeys keys;
        private String issuer = "bulwark";
        private String audience = "bulwark";
        private Duration accessTtl = DEFAULT_ACCESS_TTL;
        private Duration refreshTtl = DEFAULT_REFRESH_TTL;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration sessionMaxAge = DEFAULT_SESSION_MAX_AGE;
        private Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
        private Duration refreshReuseGrace = DEFAULT_REFRESH_REUSE_GRACE;
        private int maxSessionsPerUser = DEFAULT_MAX_SESSIONS_PER_USER;
        private boolean bearerFallback = true;
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private SuppliedOrigins suppliedOrigins;
        private String refreshPath = DEFAULT_REFRESH_PATH;
        private boolean fingerprint;
        private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private boolean insecureCookies;

        private Builder(JwtKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
        }

        /**
         * Sets the issuer written into tokens and required of them.
         *
         * @param issuer {@code iss} ({@code JWT_ISSUER})
         * @return this
         */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /**
         * Sets the audience written into tokens and required of them.
         *
         * @param audience {@code aud} ({@code JWT_AUDIENCE})
         * @return this
         */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /**
         * Sets the access-token lifetime.
         *
         * @param ttl access-token lifetime, 10 s to 1 day ({@code JWT_ACCESS_TTL_SECONDS})
         * @return this
         */
        public Builder accessTtl(Duration ttl) {
            this.accessTtl = ttl;
            return this;
        }

        /**
         * Sets the refresh-token lifetime.
         *
         * @param ttl refresh-token lifetime, longer than the access TTL, ≤ 90 days
         * @return this
         */
        public Builder refreshTtl(Duration ttl) {
            this.refreshTtl = ttl;
            return this;
        }

        /**
         * Sets the tolerance for clock differences on exp / nbf / iat.
         *
         * @param skew clock skew, 0 to 5 minutes ({@code JWT_CLOCK_SKEW_SECONDS})
         * @return this
         */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        /**
         * Sets the absolute session lifetime: counted from the login ({@code auth_time}, carried
         * through every refresh), longer than the access TTL, at most 365 days ({@code JWT_SESSION_MAX_AGE}).
         *
         * @param maxAge the lifetime
         * @return this
         */
        public Builder sessionMaxAge(Duration maxAge) {
            this.sessionMaxAge = maxAge;
            return this;
        }

        /**
         * Sets the idle limit: the longest time a refresh token may go unused, longer than the
         * access TTL, at most 365 days ({@code JWT_SESSION_IDLE_TIMEOUT}); a limit beyond
         * the refresh TTL or the session lifetime has no effect.
         *
         * @param idle the limit
         * @return this
         */
        public Builder sessionIdleTimeout(Duration idle) {
            this.sessionIdleTimeout = idle;
            return this;
        }

        /**
         * Sets the refresh reuse grace, 0 (off) to 60 seconds ({@code JWT_REFRESH_REUSE_GRACE}):
         * within it, the refresh token spent just before the current one gets the current
         * session's tokens instead of revoking the family.
         *
         * @param grace the grace
         * @return this
         */
        public Builder refreshReuseGrace(Duration grace) {
            this.refreshReuseGrace = grace;
            return this;
        }

        /**
         * Caps a user's concurrent sessions, 0 (no cap) to 1000 ({@code JWT_MAX_SESSIONS_PER_USER}):
         * a login that would exceed it ends the user's oldest sessions.
         *
         * @param sessions the cap
         * @return this
         */
        public Builder maxSessionsPerUser(int sessions) {
            this.maxSessionsPerUser = sessions;
            return this;
        }

        /**
         * Sets whether an Authorization: Bearer header is accepted when no cookie is sent.
         *
         * @param enabled accept {@code Authorization: Bearer} when no cookie is sent
         * @return this
         */
        public Builder bearerFallback(boolean enabled) {
            this.bearerFallback = enabled;
            return this;
        }

        /**
         * Allows one more origin for unsafe cookie-authenticated requests.
         *
         * @param origin an origin such as {@code https://app.example.com} allowed for unsafe cookie requests
         * @return this
         */
        public Builder allowOrigin(String origin) {
            this.allowedOrigins.add(normaliseOrigin(origin));
            return this;
        }

        /**
         * Allows origins known only after the settings are built, such as the service's own
         * origin when the server picks its port at start: the supplier is asked once, at the
         * first request that checks an origin (by then the server is listening), and its answer
         * is kept; until it answers with at least one valid origin, such requests fail instead of
         * passing. The origins it supplies are compared exactly as those of
         * {@link #allowOrigin(String)}: no request header takes part in choosing them. Replaces
         * a supplier set before.
         *
         * @param origins supplies origins such as {@code http://localhost:8080}
         * @return this
         */
        public Builder allowOrigins(Supplier<? extends Collection<String>> origins) {
            this.suppliedOrigins = new SuppliedOrigins(origins);
            return this;
        }

        /**
         * Sets the path the refresh cookie is scoped to.
         *
         * @param path path the refresh cookie is scoped to ({@code JWT_REFRESH_PATH})
         * @return this
         */
        public Builder refreshPath(String path) {
            this.refreshPath = path;
            return this;
        }

        /**
         * Sets whether tokens are bound to a fingerprint cookie.
         *
         * @param enabled bind tokens to a fingerprint cookie ({@code JWT_FINGERPRINT})
         * @return this
         */
        public Builder fingerprint(boolean enabled) {
            this.fingerprint = enabled;
            return this;
        }

        /**
         * Sets the largest token accepted, in bytes.
         *
         * @param bytes token size cap, 512 to 65536 ({@code JWT_MAX_TOKEN_BYTES})
         * @return this
         */
        public Builder maxTokenBytes(int bytes) {
            this.maxTokenBytes = bytes;
            return this;
        }

        /**
         * Sets the size of the verified-token cache.
         *
         * @param entries verified-token cache size, 0 (off) to 1,000,000 ({@code JWT_CACHE_SIZE})
         * @return this
         */
        public Builder cacheSize(int entries) {
            this.cacheSize = entries;
            return this;
        }

        /**
         * DEVELOPMENT ONLY: cookies without {@code Secure} (and so without the {@code __Host-} /
         * {@code __Secure-} prefixes, which browsers only accept on Secure cookies), for plain
         * {@code http://localhost}. {@link JwtCookieAuth} logs a warning at start when this is on.
         *
         * @return this
         */
        public Builder insecureCookiesForLocalDevelopment() {
            this.insecureCookies = true;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting when a value is invalid
         */
        public JwtSettings build() {
            requireText("issuer", "JWT_ISSUER", issuer);
            requireText("audience", "JWT_AUDIENCE", audience);
            within("accessTtl", "JWT_ACCESS_TTL_SECONDS", accessTtl, Duration.ofSeconds(10), Duration.ofDays(1));
            within("refreshTtl", "JWT_REFRESH_TTL_SECONDS", refreshTtl, Duration.ofMinutes(1), Duration.ofDays(90));
            if (refreshTtl.compareTo(accessTtl) <= 0) {
                throw new IllegalArgumentException("refreshTtl (JWT_REFRESH_TTL_SECONDS) must be longer than the access "
                        + "TTL (" + accessTtl.toSeconds() + " s), got " + refreshTtl.toSeconds() + " s");
            }
            within("clockSkew", "JWT_CLOCK_SKEW_SECONDS", clockSkew, Duration.ZERO, Duration.ofMinutes(5));
            within("sessionMaxAge", "JWT_SESSION_MAX_AGE", sessionMaxAge, Duration.ofMinutes(1), Duration.ofDays(365));
            within("sessionIdleTimeout", "JWT_SESSION_IDLE_TIMEOUT", sessionIdleTimeout, Duration.ofMinutes(1),
                    Duration.ofDays(365));
            if (sessionIdleTimeout.compareTo(accessTtl) <= 0) {
                throw new IllegalArgumentException("sessionIdleTimeout (JWT_SESSION_IDLE_TIMEOUT) must be longer than the "
                        + "access TTL (" + accessTtl.toSeconds() + " s), or active users would be logged out, got "
                        + sessionIdleTimeout.toSeconds() + " s");
            }
            within("refreshReuseGrace", "JWT_REFRESH_REUSE_GRACE", refreshReuseGrace, Duration.ZERO, Duration.ofMinutes(1));
            if (refreshPath == null || !refreshPath.startsWith("/") || refreshPath.contains(";")) {
                throw new IllegalArgumentException("refreshPath (JWT_REFRESH_PATH) must start with '/' and contain no ';', got '"
                        + refreshPath + "'");
            }
            if (maxTokenBytes < MIN_TOKEN_BYTES || maxTokenBytes > MAX_TOKEN_BYTES) {
                throw new IllegalArgumentException("maxTokenBytes (JWT_MAX_TOKEN_BYTES) must be 512..65536, got " + maxTokenBytes);
            }
            if (maxSessionsPerUser < 0 || maxSessionsPerUser > MAX_SESSIONS_CAP) {
                throw new IllegalArgumentException("maxSessionsPerUser (JWT_MAX_SESSIONS_PER_USER) must be 0..1000, got "
                        + maxSessionsPerUser);
            }
            if (cacheSize < 0 || cacheSize > MAX_CACHE_SIZE) {
                throw new IllegalArgumentException("cacheSize (JWT_CACHE_SIZE) must be 0..1000000, got " + cacheSize);
            }
            return new JwtSettings(this);
        }

        private static void requireText(String field, String variable, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " (" + variable + ") must not be empty");
            }
        }

        private static void within(String field, String variable, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " (" + variable + ") must be between " + min.toSeconds() + " and "
                        + max.toSeconds() + " seconds, got " + (value == null ? "null" : value.toSeconds() + " s"));
            }
        }

        static String normaliseOrigin(String origin) {
            Objects.requireNonNull(origin, "origin");
            URI uri;
            try {
                uri = URI.create(origin.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowed origin (JWT_ALLOWED_ORIGINS) '" + origin + "' is not a URI", e);
            }
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getPath() == null || uri.getPath().isEmpty() || "/".equals(uri.getPath()))) {
                throw new IllegalArgumentException("allowed origin (JWT_ALLOWED_ORIGINS) must be scheme://host[:port] "
                        + "such as https://app.example.com, got '" + origin + "'");
            }
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
            return scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port);
        }
    }
}
