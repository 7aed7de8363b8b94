package dev.bulwark.jwt;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
    /** Default allowed clock skew for exp / nbf / iat ({@code JWT_CLOCK_SKEW_SECONDS}). */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Default cap on a token's size, checked before parsing ({@code JWT_MAX_TOKEN_BYTES}). */
    public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
    /** Default size of the verified-token cache; 0 turns it off ({@code JWT_CACHE_SIZE}). */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
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
    private final boolean bearerFallback;
    private final Set<String> allowedOrigins;
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
        this.bearerFallback = b.bearerFallback;
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.refreshPath = b.refreshPath;
        this.fingerprint = b.fingerprint;
        this.maxTokenBytes = b.maxTokenBytes;
        this.cacheSize = b.cacheSize;
        this.insecureCookies = b.insecureCookies;
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
        Map<String, String> values = new HashMap<>(System.getenv());
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("JWT_")) {
                values.put(name, System.getProperty(name));
            }
        }
        return fromEnvironment(values);
    }

    /**
     * Reads the settings from the given variables.
     *
     * <table>
     *   <caption>Variables</caption>
     *   <tr><td>{@code JWT_JWKS} / {@code JWT_JWKS_FILE}</td><td>JWK set (JSON / file); first signing key signs</td></tr>
     *   <tr><td>{@code JWT_SECRET}, {@code JWT_KEY_ID}</td><td>HS256 secret, base64 (≥ 32 bytes decoded), kid (k1)</td></tr>
     *   <tr><td>{@code JWT_ISSUER}, {@code JWT_AUDIENCE}</td><td>iss / aud written and required (bulwark / bulwark)</td></tr>
     *   <tr><td>{@code JWT_ACCESS_TTL_SECONDS}, {@code JWT_REFRESH_TTL_SECONDS}</td><td>900 / 604800</td></tr>
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
     */
    public static JwtSettings fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        JwtKeys keys;
        if (present(env, "JWT_JWKS")) {
            keys = JwtKeys.fromJwks(env.get("JWT_JWKS"));
        } else if (present(env, "JWT_JWKS_FILE")) {
            keys = JwtKeys.fromJwksFile(Path.of(env.get("JWT_JWKS_FILE").trim()));
        } else if (present(env, "JWT_SECRET")) {
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(env.get("JWT_SECRET").trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("JWT_SECRET must be base64 (for example the output of "
                        + "'openssl rand -base64 32'): " + e.getMessage(), e);
            }
            keys = JwtKeys.hmac(present(env, "JWT_KEY_ID") ? env.get("JWT_KEY_ID").trim() : "k1", secret);
        } else {
            throw new IllegalArgumentException("No JWT key configured: set JWT_SECRET (base64, ≥ 32 bytes), "
                    + "JWT_JWKS or JWT_JWKS_FILE");
        }
        Builder b = builder(keys);
        if (present(env, "JWT_ISSUER")) {
            b.issuer(env.get("JWT_ISSUER").trim());
        }
        if (present(env, "JWT_AUDIENCE")) {
            b.audience(env.get("JWT_AUDIENCE").trim());
        }
        if (present(env, "JWT_ACCESS_TTL_SECONDS")) {
            b.accessTtl(Duration.ofSeconds(number(env, "JWT_ACCESS_TTL_SECONDS")));
        }
        if (present(env, "JWT_REFRESH_TTL_SECONDS")) {
            b.refreshTtl(Duration.ofSeconds(number(env, "JWT_REFRESH_TTL_SECONDS")));
        }
        if (present(env, "JWT_CLOCK_SKEW_SECONDS")) {
            b.clockSkew(Duration.ofSeconds(number(env, "JWT_CLOCK_SKEW_SECONDS")));
        }
        if (present(env, "JWT_BEARER_FALLBACK")) {
            b.bearerFallback(bool(env, "JWT_BEARER_FALLBACK"));
        }
        if (present(env, "JWT_ALLOWED_ORIGINS")) {
            for (String origin : env.get("JWT_ALLOWED_ORIGINS").split(",")) {
                if (!origin.isBlank()) {
                    b.allowOrigin(origin.trim());
                }
            }
        }
        if (present(env, "JWT_REFRESH_PATH")) {
            b.refreshPath(env.get("JWT_REFRESH_PATH").trim());
        }
        if (present(env, "JWT_FINGERPRINT")) {
            b.fingerprint(bool(env, "JWT_FINGERPRINT"));
        }
        if (present(env, "JWT_MAX_TOKEN_BYTES")) {
            b.maxTokenBytes((int) number(env, "JWT_MAX_TOKEN_BYTES"));
        }
        if (present(env, "JWT_CACHE_SIZE")) {
            b.cacheSize((int) number(env, "JWT_CACHE_SIZE"));
        }
        if (present(env, "JWT_INSECURE_DEV_COOKIES") && bool(env, "JWT_INSECURE_DEV_COOKIES")) {
            b.insecureCookiesForLocalDevelopment();
        }
        return b.build();
    }

    private static boolean present(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static long number(Map<String, String> env, String name) {
        String v = env.get(name).trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'", e);
        }
    }

    private static boolean bool(Map<String, String> env, String name) {
        String v = env.get(name).trim();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(name + " must be 'true' or 'false', got '" + v + "'");
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

    /** Whether {@code Authorization: Bearer} is accepted when no access cookie is present. */
    public boolean bearerFallback() {
        return bearerFallback;
    }

    /** Origins (scheme://host[:port]) allowed to make cookie-authenticated unsafe requests. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
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
                + ", refreshTtl=" + refreshTtl + ", clockSkew=" + clockSkew + ", bearerFallback=" + bearerFallback
                + ", allowedOrigins=" + allowedOrigins + ", refreshPath=" + refreshPath + ", fingerprint=" + fingerprint
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
        private boolean bearerFallback = true;
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private String refreshPath = DEFAULT_REFRESH_PATH;
        private boolean fingerprint;
        private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private boolean insecureCookies;

        private Builder(JwtKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
        }

        /** @param issuer {@code iss} ({@code JWT_ISSUER}) @return this */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** @param audience {@code aud} ({@code JWT_AUDIENCE}) @return this */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /** @param ttl access-token lifetime, 10 s to 1 day ({@code JWT_ACCESS_TTL_SECONDS}) @return this */
        public Builder accessTtl(Duration ttl) {
            this.accessTtl = ttl;
            return this;
        }

        /** @param ttl refresh-token lifetime, longer than the access TTL, ≤ 90 days @return this */
        public Builder refreshTtl(Duration ttl) {
            this.refreshTtl = ttl;
            return this;
        }

        /** @param skew clock skew, 0 to 5 minutes ({@code JWT_CLOCK_SKEW_SECONDS}) @return this */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        /** @param enabled accept {@code Authorization: Bearer} when no cookie is sent @return this */
        public Builder bearerFallback(boolean enabled) {
            this.bearerFallback = enabled;
            return this;
        }

        /** @param origin an origin such as {@code https://app.example.com} allowed for unsafe cookie requests @return this */
        public Builder allowOrigin(String origin) {
            this.allowedOrigins.add(normaliseOrigin(origin));
            return this;
        }

        /** @param path path the refresh cookie is scoped to ({@code JWT_REFRESH_PATH}) @return this */
        public Builder refreshPath(String path) {
            this.refreshPath = path;
            return this;
        }

        /** @param enabled bind tokens to a fingerprint cookie ({@code JWT_FINGERPRINT}) @return this */
        public Builder fingerprint(boolean enabled) {
            this.fingerprint = enabled;
            return this;
        }

        /** @param bytes token size cap, 512 to 65536 ({@code JWT_MAX_TOKEN_BYTES}) @return this */
        public Builder maxTokenBytes(int bytes) {
            this.maxTokenBytes = bytes;
            return this;
        }

        /** @param entries verified-token cache size, 0 (off) to 1,000,000 ({@code JWT_CACHE_SIZE}) @return this */
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
            if (refreshPath == null || !refreshPath.startsWith("/") || refreshPath.contains(";")) {
                throw new IllegalArgumentException("refreshPath (JWT_REFRESH_PATH) must start with '/' and contain no ';', got '"
                        + refreshPath + "'");
            }
            if (maxTokenBytes < 512 || maxTokenBytes > 65_536) {
                throw new IllegalArgumentException("maxTokenBytes (JWT_MAX_TOKEN_BYTES) must be 512..65536, got " + maxTokenBytes);
            }
            if (cacheSize < 0 || cacheSize > 1_000_000) {
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
