package dev.bulwark.jwt;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.jwt.internal.Cookies;
import dev.bulwark.jwt.internal.Secrets;
import dev.bulwark.jwt.internal.VerifiedTokenCache;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JWT authentication carried in hardened cookies: issues tokens at login, authenticates requests,
 * rotates refresh tokens (with reuse detection) and logs out, against the tiny {@link AuthRequest}
 * / {@link AuthResponse} SPI so that any framework adapts in a few lines.
 *
 * <pre>{@code
 * JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(), new InMemoryTokenStore(), metrics);
 * auth.login("alice", List.of("trader"), response);          // after your own password check
 * AuthResult result = auth.authenticate(request);            // every protected request
 * if (!result.authenticated()) { answer result.refusal().status() with result.refusal().json() }
 * }</pre>
 *
 * <p><b>Where the token is read from.</b> The access-token cookie first; only when no such
 * cookie is sent, and bearer fallback is on, the {@code Authorization: Bearer} header. A request
 * carrying both is judged by its cookie alone.
 *
 * <p><b>CSRF.</b> A cookie-authenticated {@code POST}, {@code PUT}, {@code PATCH} or
 * {@code DELETE} (and refresh and logout, which read cookies) must come from an allowed origin
 * ({@code Origin}, else the origin of {@code Referer}) <i>and</i> echo the readable CSRF cookie in
 * the {@code X-CSRF-Token} header; the token is also bound to the session (its hash is in the
 * JWT). Bearer-authenticated requests are exempt: browsers never add that header by themselves.
 */
public final class JwtCookieAuth {

    private static final Logger LOG = LoggerFactory.getLogger(JwtCookieAuth.class);
    private static final Set<String> UNSAFE = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final JwtSettings settings;
    private final TokenStore store;
    private final Clock clock;
    private final TokenCodec codec;
    private final VerifiedTokenCache<TokenCodec.Verified> cache;
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final Counter authenticated;
    private final Counter logins;
    private final Counter refreshes;
    private final Counter logouts;
    private final Counter cacheHits;
    private final java.util.concurrent.atomic.AtomicLong nextPurge = new java.util.concurrent.atomic.AtomicLong();
    /** Expired store entries are purged at most this often, from the login path. */
    static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofHours(1);

    private JwtCookieAuth(JwtSettings settings, TokenStore store, MetricRegistry metrics, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.codec = new TokenCodec(settings, clock);
        this.cache = new VerifiedTokenCache<>(settings.cacheSize());
        for (Refusal r : Refusal.values()) {
            refused.put(r, metrics.counter("bulwark.jwt.refused." + r.code()));
        }
        this.authenticated = metrics.counter("bulwark.jwt.authenticated");
        this.logins = metrics.counter("bulwark.jwt.logins");
        this.refreshes = metrics.counter("bulwark.jwt.refreshes");
        this.logouts = metrics.counter("bulwark.jwt.logouts");
        this.cacheHits = metrics.counter("bulwark.jwt.cache.hits");
    }

    /**
     * Creates the authenticator, with the system UTC clock.
     *
     * @param settings keys, lifetimes, cookie and CSRF settings
     * @param store where families and revocations live
     * @param metrics where {@code bulwark.jwt.*} counters go
     * @return the authenticator
     */
    public static JwtCookieAuth create(JwtSettings settings, TokenStore store, MetricRegistry metrics) {
        return create(settings, store, metrics, Clock.systemUTC());
    }

    /**
     * Creates the authenticator.
     *
     * @param settings keys, lifetimes, cookie and CSRF settings
     * @param store where families and revocations live
     * @param metrics where {@code bulwark.jwt.*} counters go
     * @param clock time source for issuing and checking tokens
     * @return the authenticator
     */
    public static JwtCookieAuth create(JwtSettings settings, TokenStore store, MetricRegistry metrics, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        if (settings.insecureCookies()) {
            LOG.warn("JWT cookies are NOT Secure (JWT_INSECURE_DEV_COOKIES / insecureCookiesForLocalDevelopment): "
                    + "tokens travel over plain HTTP. Never use this outside local development.");
        }
        if (settings.allowedOrigins().isEmpty()) {
            LOG.warn("JWT_ALLOWED_ORIGINS is empty: every cookie-authenticated POST/PUT/PATCH/DELETE will be refused "
                    + "by the CSRF defence");
        }
        return new JwtCookieAuth(settings, store, metrics, clock);
    }

    /** The settings in force. */
    public JwtSettings settings() {
        return settings;
    }

    /**
     * Starts a session for a user whose credentials the caller has checked: a new login family,
     * an access and a refresh token in their cookies, a CSRF cookie (and a fingerprint cookie when
     * enabled).
     *
     * @param subject the user
     * @param roles the user's roles, written into the tokens
     * @param response where the {@code Set-Cookie} headers go
     * @return what was issued (no token: they are only in HttpOnly cookies)
     */
    public Login login(String subject, Collection<String> roles, AuthResponse response) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(response, "response");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        String familyId = Secrets.randomId();
        String refreshId = Secrets.randomId();
        Instant now = clock.instant();
        purgeIfDue(now);
        store.startFamily(familyId, subject, refreshId, now.plus(settings.refreshTtl()));
        Login login = issue(subject, List.copyOf(roles), familyId, refreshId, now, response);
        logins.inc();
        return login;
    }

    /** Purges expired families and revocations at most once per {@link #PURGE_INTERVAL}; never fails a login. */
    private void purgeIfDue(Instant now) {
        long due = nextPurge.get();
        if (now.toEpochMilli() < due || !nextPurge.compareAndSet(due, now.plus(PURGE_INTERVAL).toEpochMilli())) {
            return;
        }
        try {
            int removed = store.purgeExpired(now);
            LOG.debug("Purged {} expired token store entries", removed);
        } catch (RuntimeException e) {
            LOG.warn("Could not purge expired token store entries: {}", e.getMessage());
        }
    }

    private Login issue(String subject, List<String> roles, String familyId, String refreshId, Instant now,
            AuthResponse response) {
        String csrf = Secrets.randomToken();
        String fingerprint = settings.fingerprint() ? Secrets.randomToken() : null;
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(TokenCodec.CSRF, Secrets.sha256(csrf));
        if (fingerprint != null) {
            extra.put(TokenCodec.FINGERPRINT, Secrets.sha256(fingerprint));
        }
        Instant accessExp = now.plus(settings.accessTtl());
        Instant refreshExp = now.plus(settings.refreshTtl());
        String access = codec.sign(TokenCodec.Use.ACCESS, subject, roles, Secrets.randomId(), familyId, now, accessExp, extra);
        String refresh = codec.sign(TokenCodec.Use.REFRESH, subject, roles, refreshId, familyId, now, refreshExp, extra);
        boolean secure = !settings.insecureCookies();
        long accessAge = settings.accessTtl().toSeconds();
        long refreshAge = settings.refreshTtl().toSeconds();
        response.addHeader("Set-Cookie", Cookies.setCookie(settings.accessCookie(), access, accessAge, "/", true, secure));
        response.addHeader("Set-Cookie", Cookies.setCookie(settings.refreshCookie(), refresh, refreshAge,
                settings.refreshPath(), true, secure));
        response.addHeader("Set-Cookie", Cookies.setCookie(settings.csrfCookie(), csrf, refreshAge, "/", false, secure));
        if (fingerprint != null) {
            response.addHeader("Set-Cookie", Cookies.setCookie(settings.fingerprintCookie(), fingerprint, refreshAge, "/",
                    true, secure));
        }
        return new Login(subject, roles, familyId, accessExp, refreshExp);
    }

    /**
     * Authenticates a request: verifies the access token (cookie first, then the Bearer header if
     * enabled), checks revocation, the fingerprint when enabled, and for cookie-authenticated
     * unsafe methods the CSRF defence.
     *
     * @param request the request
     * @return the caller or the refusal
     * @throws JdbcTokenStore.TokenStoreException when the token store is unreachable (fail closed)
     */
    public AuthResult authenticate(AuthRequest request) {
        Objects.requireNonNull(request, "request");
        Optional<String> cookie = request.cookie(settings.accessCookie());
        Authentication.Via via;
        String token;
        if (cookie.isPresent()) {
            via = Authentication.Via.COOKIE;
            token = cookie.get();
        } else {
            Optional<String> bearer = settings.bearerFallback() ? bearer(request) : Optional.empty();
            if (bearer.isEmpty()) {
                return refuse(Refusal.MISSING);
            }
            via = Authentication.Via.BEARER;
            token = bearer.get();
        }
        TokenCodec.Outcome outcome = verifyCached(token, TokenCodec.Use.ACCESS);
        if (outcome.refusal() != null) {
            return refuse(outcome.refusal());
        }
        TokenCodec.Verified t = outcome.token();
        if (store.isRevoked(t.tokenId(), t.familyId())) {
            return refuse(Refusal.REVOKED);
        }
        Refusal binding = fingerprint(request, t);
        if (binding == null && via == Authentication.Via.COOKIE && UNSAFE.contains(method(request))) {
            binding = csrf(request, t);
        }
        if (binding != null) {
            return refuse(binding);
        }
        authenticated.inc();
        return AuthResult.ok(new Authentication(t.subject(), t.roles(), t.tokenId(), t.familyId(), t.expiresAt(), via));
    }

    /**
     * Rotates the refresh token from its cookie: the presented one is spent, new access and
     * refresh tokens are set. A spent refresh token presented again revokes the whole family
     * ({@link Refusal#REFRESH_REUSED}) and clears the cookies.
     *
     * @param request the refresh request (a POST to the refresh path)
     * @param response where the new cookies go
     * @return the caller with the new access token's details, or the refusal
     */
    public AuthResult refresh(AuthRequest request, AuthResponse response) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Optional<String> cookie = request.cookie(settings.refreshCookie());
        if (cookie.isEmpty()) {
            return refuse(Refusal.MISSING);
        }
        TokenCodec.Outcome outcome = codec.verify(cookie.get(), TokenCodec.Use.REFRESH);
        if (outcome.refusal() != null) {
            return refuse(outcome.refusal());
        }
        TokenCodec.Verified t = outcome.token();
        Refusal binding = fingerprint(request, t);
        if (binding == null) {
            binding = csrf(request, t);
        }
        if (binding != null) {
            return refuse(binding);
        }
        String nextId = Secrets.randomId();
        Instant now = clock.instant();
        TokenStore.Rotation rotation = store.rotate(t.familyId(), t.tokenId(), nextId, now.plus(settings.refreshTtl()));
        switch (rotation) {
            case ROTATED:
                Login login = issue(t.subject(), t.roles(), t.familyId(), nextId, now, response);
                refreshes.inc();
                return AuthResult.ok(new Authentication(t.subject(), t.roles(), nextId, t.familyId(),
                        login.accessExpiresAt(), Authentication.Via.COOKIE));
            case REUSED:
                LOG.warn("Refresh token reuse detected for subject {} (family {}): family revoked", t.subject(),
                        t.familyId());
                clearCookies(response);
                return refuse(Refusal.REFRESH_REUSED);
            default:
                clearCookies(response);
                return refuse(Refusal.REVOKED);
        }
    }

    /**
     * Ends the session: revokes the access token and the login family (read from the access or
     * the refresh cookie, signature checked, expiry not required) and clears every cookie with
     * {@code Max-Age=0}. Cookie-carried logouts pass the CSRF defence first.
     *
     * @param request the logout request
     * @param response where the clearing cookies go
     * @return empty when logged out, or the CSRF refusal
     */
    public Optional<Refusal> logout(AuthRequest request, AuthResponse response) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Optional<String> access = request.cookie(settings.accessCookie());
        Optional<String> refresh = request.cookie(settings.refreshCookie());
        TokenCodec.Verified accessToken = access.map(a -> codec.verify(a, TokenCodec.Use.ACCESS).token()).orElse(null);
        TokenCodec.Verified refreshToken = refresh.map(r -> codec.verify(r, TokenCodec.Use.REFRESH).token()).orElse(null);
        TokenCodec.Verified any = accessToken != null ? accessToken : refreshToken;
        if (any != null) {
            Refusal csrf = csrf(request, any);
            if (csrf != null) {
                refuse(csrf);
                return Optional.of(csrf);
            }
        } else if (bearer(request).isPresent()) {
            TokenCodec.Outcome b = codec.verify(bearer(request).get(), TokenCodec.Use.ACCESS);
            accessToken = b.token();
        }
        if (accessToken != null) {
            store.revokeToken(accessToken.tokenId(), accessToken.expiresAt());
            store.revokeFamily(accessToken.familyId());
        }
        if (refreshToken != null) {
            store.revokeFamily(refreshToken.familyId());
        }
        clearCookies(response);
        logouts.inc();
        return Optional.empty();
    }

    private void clearCookies(AuthResponse response) {
        boolean secure = !settings.insecureCookies();
        response.addHeader("Set-Cookie", Cookies.setCookie(settings.accessCookie(), "", 0, "/", true, secure));
        response.addHeader("Set-Cookie", Cookies.setCookie(settings.refreshCookie(), "", 0, settings.refreshPath(), true,
                secure));
        response.addHeader("Set-Cookie", Cookies.setCookie(settings.csrfCookie(), "", 0, "/", false, secure));
        if (settings.fingerprint()) {
            response.addHeader("Set-Cookie", Cookies.setCookie(settings.fingerprintCookie(), "", 0, "/", true, secure));
        }
    }

    /**
     * Writes what a refusal needs besides status and body: {@code WWW-Authenticate} for a 401.
     *
     * @param refusal the refusal
     * @param response where the header goes
     */
    public static void writeHeaders(Refusal refusal, AuthResponse response) {
        String challenge = refusal.wwwAuthenticate();
        if (challenge != null) {
            response.addHeader("WWW-Authenticate", challenge);
        }
    }

    private TokenCodec.Outcome verifyCached(String token, TokenCodec.Use use) {
        if (settings.cacheSize() == 0 || token.length() > settings.maxTokenBytes()) {
            return codec.verify(token, use);
        }
        String key = Secrets.sha256(token);
        Instant now = clock.instant();
        TokenCodec.Verified hit = cache.get(key, now);
        if (hit != null) {
            cacheHits.inc();
            return new TokenCodec.Outcome(hit, null);
        }
        TokenCodec.Outcome outcome = codec.verify(token, use);
        if (outcome.token() != null) {
            // Never trusted past the token's exp, nor past the expiry of the key that signed it.
            cache.put(key, outcome.token(), outcome.token().trustUntil());
        }
        return outcome;
    }

    private Refusal fingerprint(AuthRequest request, TokenCodec.Verified t) {
        if (!settings.fingerprint() && t.fingerprintHash() == null) {
            return null;
        }
        Optional<String> cookie = request.cookie(settings.fingerprintCookie());
        if (t.fingerprintHash() == null || cookie.isEmpty()
                || !Secrets.constantTimeEquals(Secrets.sha256(cookie.get()), t.fingerprintHash())) {
            return Refusal.FINGERPRINT_MISMATCH;
        }
        return null;
    }

    private Refusal csrf(AuthRequest request, TokenCodec.Verified t) {
        String origin = request.header("Origin").filter(o -> !"null".equals(o)).orElse(null);
        if (origin == null) {
            origin = request.header("Referer").map(JwtCookieAuth::originOf).orElse(null);
        }
        if (origin == null || !settings.allowedOrigins().contains(normalised(origin))) {
            return Refusal.CSRF_ORIGIN;
        }
        String header = request.header(JwtSettings.CSRF_HEADER).orElse(null);
        String cookie = request.cookie(settings.csrfCookie()).orElse(null);
        if (header == null || !Secrets.constantTimeEquals(header, cookie)
                || (t.csrfHash() != null && !Secrets.constantTimeEquals(Secrets.sha256(header), t.csrfHash()))) {
            return Refusal.CSRF_TOKEN;
        }
        return null;
    }

    private static String normalised(String origin) {
        try {
            return JwtSettings.Builder.normaliseOrigin(origin);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String originOf(String referer) {
        try {
            URI uri = URI.create(referer.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String method(AuthRequest request) {
        return request.method() == null ? "" : request.method().toUpperCase(Locale.ROOT);
    }

    private static Optional<String> bearer(AuthRequest request) {
        return request.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .filter(t -> !t.isEmpty());
    }

    private AuthResult refuse(Refusal refusal) {
        refused.get(refusal).inc();
        LOG.debug("Request refused: {}", refusal.code());
        return AuthResult.refused(refusal);
    }

    /**
     * What a login issued.
     *
     * @param subject the user
     * @param roles the roles written into the tokens
     * @param familyId the new login family
     * @param accessExpiresAt access token expiry (the cookie's Max-Age matches)
     * @param refreshExpiresAt refresh token expiry
     */
    public record Login(String subject, List<String> roles, String familyId, Instant accessExpiresAt,
            Instant refreshExpiresAt) {
        /** Copies the roles. */
        public Login {
            roles = List.copyOf(roles);
        }
    }
}
