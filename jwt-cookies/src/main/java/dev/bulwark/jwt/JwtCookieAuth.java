package dev.bulwark.jwt;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.jwt.internal.Cookies;
import dev.bulwark.jwt.internal.Secrets;
import dev.bulwark.jwt.internal.VerifiedTokenCache;
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
 * if (!result.authenticated()) { refuse(result.refusal().status(), result.refusal().json()); }
 * }</pre>
 *
 * <p><b>Where the token is read from.</b> The access-token cookie first; only when no such
 * cookie is sent, and bearer fallback is on, the {@code Authorization: Bearer} header. A request
 * carrying both is judged by its cookie alone.
 *
 * <p><b>CSRF.</b> A cookie-authenticated request with any method but {@code GET}, {@code HEAD}
 * and {@code OPTIONS} (and refresh, and every logout not made with a Bearer token) must not be
 * marked {@code Sec-Fetch-Site: cross-site} by the browser (Fetch Metadata, the first layer), must
 * come from an allowed origin ({@code Origin}; only when that header is absent, the origin of
 * {@code Referer}; {@code Origin: null} is refused) <i>and</i> echo the readable CSRF cookie in the
 * {@code X-CSRF-Token} header; the token is also bound to the session (its hash is in the JWT).
 * Bearer-authenticated requests are exempt: browsers never add that header by themselves.
 *
 * <p><b>Sessions.</b> A login starts a session (a refresh family) whose login time
 * ({@code auth_time}) every token of the family carries. A refresh is refused once
 * {@link JwtSettings#sessionMaxAge()} has passed since the login ({@link Refusal#SESSION_EXPIRED})
 * or when the presented refresh token is older than {@link JwtSettings#sessionIdleTimeout()}
 * ({@link Refusal#SESSION_IDLE}); no token outlives the session. An optional
 * {@link SessionValidator} re-checks the user and their roles at each refresh.
 */
public final class JwtCookieAuth {

    private static final Logger LOG = LoggerFactory.getLogger(JwtCookieAuth.class);
    /** Methods that must not change state; every other method is CSRF-checked. */
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    /** A signing key ending within this is warned about (at start, then at most hourly from logins). */
    static final java.time.Duration KEY_EXPIRY_WARNING = java.time.Duration.ofDays(7);

    private final JwtSettings settings;
    private final ObservedTokenStore store;
    private final Clock clock;
    private final HealthCheckRegistry healthChecks;
    private final TokenCodec codec;
    private final VerifiedTokenCache<TokenCodec.Verified> cache;
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final Counter authenticated;
    private final Counter logins;
    private final Counter refreshes;
    private final Counter graceRefreshes;
    private final Counter logouts;
    private final Counter cacheHits;
    private final java.util.concurrent.atomic.AtomicLong nextPurge = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong nextKeyCheck = new java.util.concurrent.atomic.AtomicLong();
    private final SessionValidator validator;
    /** Expired store entries are purged at most this often, from the login path. */
    static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofHours(1);

    /** The name under which {@link Builder#healthChecks} registers {@link #healthCheck()}. */
    public static final String HEALTH_CHECK_NAME = "bulwark.jwt";

    private JwtCookieAuth(JwtSettings settings, TokenStore store, MetricRegistry metrics, Clock clock,
            SessionValidator validator, HealthCheckRegistry healthChecks) {
        this.settings = settings;
        this.store = new ObservedTokenStore(store);
        this.healthChecks = healthChecks;
        this.clock = clock;
        this.validator = validator;
        this.codec = new TokenCodec(settings, clock);
        this.cache = new VerifiedTokenCache<>(settings.cacheSize());
        for (Refusal r : Refusal.values()) {
            refused.put(r, metrics.counter("bulwark.jwt.refused." + r.code()));
        }
        this.authenticated = metrics.counter("bulwark.jwt.authenticated");
        this.logins = metrics.counter("bulwark.jwt.logins");
        this.refreshes = metrics.counter("bulwark.jwt.refreshes");
        this.graceRefreshes = metrics.counter("bulwark.jwt.refreshes.grace");
        this.logouts = metrics.counter("bulwark.jwt.logouts");
        this.cacheHits = metrics.counter("bulwark.jwt.cache.hits");
        if (healthChecks != null) {
            healthChecks.register(HEALTH_CHECK_NAME, healthCheck());
        }
    }

    /**
     * The authenticator's health, judged from its token store's calls (no query of its own):
     * unhealthy while the most recent store call failed — every request that needs the store is
     * then refused with 503 (fail closed) — healthy again after a call succeeds.
     *
     * @return a health check for the service's registry
     */
    public HealthCheck healthCheck() {
        return new HealthCheck() {
            @Override
            protected Result check() {
                String failure = store.lastFailure();
                if (failure != null) {
                    return Result.unhealthy("token store %s failed at %s: %s", store, store.lastFailureAt(), failure);
                }
                return Result.healthy("token store %s answered its last call", store);
            }
        };
    }

    /**
     * A builder: {@link #create} with a clock, a session validator or a health check registry.
     *
     * @param settings keys, lifetimes, cookie and CSRF settings
     * @param store where families and revocations live
     * @return the builder
     */
    public static Builder builder(JwtSettings settings, TokenStore store) {
        return new Builder(settings, store);
    }

    /** Builds a {@link JwtCookieAuth}. */
    public static final class Builder {
        private final JwtSettings settings;
        private final TokenStore store;
        private MetricRegistry metrics;
        private Clock clock = Clock.systemUTC();
        private SessionValidator validator = SessionValidator.keepRoles();
        private HealthCheckRegistry healthChecks;

        private Builder(JwtSettings settings, TokenStore store) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Where the {@code bulwark.jwt.*} counters go (default: a private registry).
         *
         * @param registry the service's metric registry
         * @return this builder
         */
        public Builder metrics(MetricRegistry registry) {
            this.metrics = Objects.requireNonNull(registry, "metrics");
            return this;
        }

        /**
         * The time source for issuing and checking tokens (default: the UTC system clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Decides at each refresh whether the session goes on and with which roles (default: keep them).
         *
         * @param validator the validator
         * @return this builder
         */
        public Builder sessionValidator(SessionValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * Registers the authenticator's health check ({@value JwtCookieAuth#HEALTH_CHECK_NAME}, see
         * {@link JwtCookieAuth#healthCheck()}) in the service's registry, as every Bulwark module does.
         *
         * @param registry the service's health check registry
         * @return this builder
         */
        public Builder healthChecks(HealthCheckRegistry registry) {
            this.healthChecks = Objects.requireNonNull(registry, "healthChecks");
            return this;
        }

        /**
         * Builds the authenticator.
         *
         * @return the authenticator
         * @throws IllegalArgumentException when no signing key is valid now
         */
        public JwtCookieAuth build() {
            return JwtCookieAuth.build(settings, store, metrics != null ? metrics : new MetricRegistry(), clock,
                    validator, healthChecks);
        }
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
        return create(settings, store, metrics, clock, SessionValidator.keepRoles());
    }

    /**
     * Creates the authenticator with a validator that re-checks the user at every refresh.
     *
     * @param settings keys, lifetimes, cookie and CSRF settings
     * @param store where families and revocations live
     * @param metrics where {@code bulwark.jwt.*} counters go
     * @param clock time source for issuing and checking tokens
     * @param validator decides at each refresh whether the session goes on and with which roles
     * @return the authenticator
     * @throws IllegalArgumentException when no signing key is valid now
     */
    public static JwtCookieAuth create(JwtSettings settings, TokenStore store, MetricRegistry metrics, Clock clock,
            SessionValidator validator) {
        return build(settings, store, metrics, clock, validator, null);
    }

    private static JwtCookieAuth build(JwtSettings settings, TokenStore store, MetricRegistry metrics, Clock clock,
            SessionValidator validator, HealthCheckRegistry healthChecks) {
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        if (settings.insecureCookies()) {
            LOG.warn("JWT cookies are NOT Secure (JWT_INSECURE_DEV_COOKIES / insecureCookiesForLocalDevelopment): "
                    + "tokens travel over plain HTTP. Never use this outside local development.");
        }
        if (settings.noOriginAllowed()) {
            LOG.warn("JWT_ALLOWED_ORIGINS is empty: every cookie-authenticated unsafe request (any method but GET/HEAD/OPTIONS) "
                    + "will be refused by the CSRF defence");
        }
        Instant now = clock.instant();
        if (settings.keys().signing(now).isEmpty()) {
            throw new IllegalArgumentException("JWT keys: no signing key is valid now (" + now + "); their JWK nbf/exp: "
                    + settings.keys().describeSigners() + ". Add a current key to JWT_JWKS / JWT_JWKS_FILE");
        }
        JwtCookieAuth auth = new JwtCookieAuth(settings, store, metrics, clock, validator, healthChecks);
        auth.warnIfSigningKeysEnd(now);
        return auth;
    }

    /**
     * Warns when every signing key will have expired within {@link #KEY_EXPIRY_WARNING}: after
     * that no login or refresh can be signed. At most once an hour.
     */
    private void warnIfSigningKeysEnd(Instant now) {
        long due = nextKeyCheck.get();
        if (now.toEpochMilli() < due || !nextKeyCheck.compareAndSet(due, now.plus(PURGE_INTERVAL).toEpochMilli())) {
            return;
        }
        Instant until = settings.keys().signingPossibleUntil(now);
        if (until != null && until.isBefore(now.plus(KEY_EXPIRY_WARNING))) {
            LOG.warn("JWT signing keys: the last signing key expires at {} ({}); add the next key to JWT_JWKS / "
                    + "JWT_JWKS_FILE before then or logins and refreshes will fail", until, settings.keys().describeSigners());
        }
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
        return login(subject, roles, null, response);
    }

    /**
     * Starts a session as {@link #login(String, Collection, AuthResponse)} does, remembering
     * what the client said it is (its {@code User-Agent}, shortened) for {@link #sessions}.
     * When {@link JwtSettings#maxSessionsPerUser()} is set, the user's oldest sessions end so
     * that the new one fits under the cap.
     *
     * @param subject the user
     * @param roles the user's roles, written into the tokens
     * @param request the login request, for its {@code User-Agent}; may be null
     * @param response where the {@code Set-Cookie} headers go
     * @return what was issued (no token: they are only in HttpOnly cookies)
     */
    public Login login(String subject, Collection<String> roles, AuthRequest request, AuthResponse response) {
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
        warnIfSigningKeysEnd(now);
        // auth_time travels as whole seconds in the JWT; the session is measured from that value.
        Instant authTime = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (settings.maxSessionsPerUser() > 0) {
            List<TokenStore.StoredSession> live = liveSessions(subject, now);
            for (int i = 0; i <= live.size() - settings.maxSessionsPerUser(); i++) {
                store.endSession(subject, live.get(i).familyId());
                LOG.info("Session {} of subject {} ended: over the cap of {} sessions per user", live.get(i).familyId(),
                        subject, settings.maxSessionsPerUser());
            }
        }
        store.startFamily(familyId, subject, refreshId, authTime, refreshExpiry(authTime, now), clientHint(request));
        Login login = issue(subject, List.copyOf(roles), familyId, refreshId, Secrets.randomId(), authTime, now, response);
        logins.inc();
        return login;
    }

    /** The client's {@code User-Agent}, shortened to 200 printable characters, or null. */
    private static String clientHint(AuthRequest request) {
        if (request == null) {
            return null;
        }
        return request.header("User-Agent").map(ua -> {
            String printable = ua.replaceAll("[^\\x20-\\x7E]", "").trim();
            return printable.length() > 200 ? printable.substring(0, 200) : printable;
        }).filter(ua -> !ua.isEmpty()).orElse(null);
    }

    /**
     * Lists the caller's active sessions, oldest first, marking the one this request belongs to.
     *
     * @param caller an authenticated caller
     * @return the sessions (never token material)
     * @throws TokenStoreException when the token store is unreachable
     */
    public List<ActiveSession> sessions(Authentication caller) {
        Objects.requireNonNull(caller, "caller");
        List<ActiveSession> out = new java.util.ArrayList<>();
        for (TokenStore.StoredSession s : liveSessions(caller.subject(), clock.instant())) {
            out.add(new ActiveSession(s.familyId(), s.familyId().equals(caller.familyId()), s.createdAt(), s.lastUsedAt(),
                    s.expiresAt(), s.clientHint()));
        }
        return out;
    }

    /**
     * The subject's sessions that can still be refreshed: the store's live sessions without those
     * unused past the idle limit (their refresh token is refused, though its entry lives on until
     * the refresh lifetime ends), each ending at the earlier of its expiry and its idle limit.
     */
    private List<TokenStore.StoredSession> liveSessions(String subject, Instant now) {
        List<TokenStore.StoredSession> live = new java.util.ArrayList<>();
        for (TokenStore.StoredSession s : store.sessions(subject, now)) {
            Instant end = s.expiresAt();
            if (s.lastUsedAt() != null) {
                end = earliest(end, s.lastUsedAt().plus(settings.sessionIdleTimeout()));
            }
            if (end.isAfter(now)) {
                live.add(new TokenStore.StoredSession(s.familyId(), s.subject(), s.createdAt(), s.lastUsedAt(), end,
                        s.clientHint()));
            }
        }
        return live;
    }

    /**
     * Ends one of the caller's sessions: its refresh and access tokens are refused at once, on
     * every instance sharing the store (revocation is checked on every request, cached or not).
     * A session of another user is never ended.
     *
     * @param caller an authenticated caller
     * @param sessionId the session's id, from {@link #sessions}
     * @return true when the caller had that live session and it is now ended
     */
    public boolean endSession(Authentication caller, String sessionId) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(sessionId, "sessionId");
        return store.endSession(caller.subject(), sessionId);
    }

    /**
     * Ends every session of a user (after a password change, when an account is disabled, or
     * "log out everywhere"); their tokens are refused at once on every instance.
     *
     * @param subject the user
     * @return sessions ended
     */
    public int endAllSessions(String subject) {
        Objects.requireNonNull(subject, "subject");
        int ended = store.endAllSessions(subject);
        LOG.info("Ended all {} sessions of subject {}", ended, subject);
        return ended;
    }

    /** Purges expired families and revocations at most once per {@link #PURGE_INTERVAL}; never fails a login. */
    private void purgeIfDue(Instant now) {
        long due = nextPurge.get();
        if (now.toEpochMilli() < due || !nextPurge.compareAndSet(due, now.plus(PURGE_INTERVAL).toEpochMilli())) {
            return;
        }
        try {
            // An entry is kept while a token it refuses can still verify: tokens are accepted up to
            // the clock skew past their exp, and an access token issued within the reuse grace after
            // the family's last rotation may end up to the grace after the family's entry.
            int removed = store.purgeExpired(now.minus(settings.clockSkew()).minus(settings.refreshReuseGrace()));
            LOG.debug("Purged {} expired token store entries", removed);
        } catch (RuntimeException e) {
            LOG.warn("Could not purge expired token store entries: {}", e.getMessage());
        }
    }

    /** When the session ends: no token of the family is valid after it. */
    private Instant sessionEnd(Instant authTime) {
        return authTime.plus(settings.sessionMaxAge());
    }

    private Instant refreshExpiry(Instant authTime, Instant now) {
        return earliest(now.plus(settings.refreshTtl()), sessionEnd(authTime));
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private Login issue(String subject, List<String> roles, String familyId, String refreshId, String accessId,
            Instant authTime, Instant now, AuthResponse response) {
        String csrf = Secrets.randomToken();
        String fingerprint = settings.fingerprint() ? Secrets.randomToken() : null;
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(TokenCodec.CSRF, Secrets.sha256(csrf));
        if (fingerprint != null) {
            extra.put(TokenCodec.FINGERPRINT, Secrets.sha256(fingerprint));
        }
        Instant accessExp = earliest(now.plus(settings.accessTtl()), sessionEnd(authTime));
        Instant refreshExp = refreshExpiry(authTime, now);
        String access = codec.sign(TokenCodec.Use.ACCESS, subject, roles, accessId, familyId, authTime, now, accessExp,
                extra);
        String refresh = codec.sign(TokenCodec.Use.REFRESH, subject, roles, refreshId, familyId, authTime, now, refreshExp,
                extra);
        boolean secure = !settings.insecureCookies();
        long accessAge = java.time.Duration.between(now, accessExp).toSeconds();
        long refreshAge = java.time.Duration.between(now, refreshExp).toSeconds();
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
     * @throws TokenStoreException when the token store is unreachable (fail closed)
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
        if (binding == null && via == Authentication.Via.COOKIE && !SAFE.contains(method(request))) {
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
     * ({@link Refusal#REFRESH_REUSED}) and clears the cookies, except the token spent just before
     * the current one within {@link JwtSettings#refreshReuseGrace()} (two tabs refreshing at
     * once): that request gets a new access token and the family's current refresh token again.
     * Refused, with the cookies cleared, once the session's absolute lifetime is over
     * ({@link Refusal#SESSION_EXPIRED}; every token of the family ends with it), and, with the
     * family revoked too, when the token went unused past the idle limit
     * ({@link Refusal#SESSION_IDLE}) or when the {@link SessionValidator} refuses
     * ({@link Refusal#SESSION_REFUSED}). An expired refresh token ({@link Refusal#EXPIRED}) that
     * passes the fingerprint and CSRF checks also revokes its family, as does one whose signing key
     * has expired since ({@link Refusal#UNKNOWN_KEY}): a spent token coming back late is still a reuse.
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
        if (outcome.refusal() == Refusal.EXPIRED || outcome.refusal() == Refusal.UNKNOWN_KEY) {
            endFamilyOfAgedToken(request, cookie.get());
        }
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
        if (t.authTime() == null || t.issuedAt() == null || t.familyId() == null) {
            return refuse(Refusal.MALFORMED);
        }
        Instant now = clock.instant();
        if (!now.isBefore(sessionEnd(t.authTime()))) {
            clearCookies(response);
            return refuse(Refusal.SESSION_EXPIRED);
        }
        if (now.isAfter(t.issuedAt().plus(settings.sessionIdleTimeout()))) {
            // Checked before reuse, so the family is ended here: if this token is still current the
            // session is over anyway; if it was spent, someone else carried the family on (a copy of
            // the cookies refreshed first) and ending it is the reuse detection.
            store.revokeFamily(t.familyId());
            clearCookies(response);
            return refuse(Refusal.SESSION_IDLE);
        }
        // Asked before the store moves on, so a validator that throws leaves the session as it was.
        SessionValidator.Decision decision = validator.validate(new SessionValidator.Session(t.subject(), t.roles(),
                t.familyId(), t.authTime(), t.issuedAt()));
        if (decision.refused()) {
            store.revokeFamily(t.familyId());
            clearCookies(response);
            LOG.info("Session of subject {} (family {}) refused at refresh by the session validator", t.subject(),
                    t.familyId());
            return refuse(Refusal.SESSION_REFUSED);
        }
        TokenStore.RotationResult rotation = store.rotate(t.familyId(), t.tokenId(), Secrets.randomId(), now,
                settings.refreshReuseGrace(), refreshExpiry(t.authTime(), now));
        switch (rotation.outcome()) {
            case ROTATED:
            case WITHIN_GRACE:
                String accessId = Secrets.randomId();
                Login login = issue(t.subject(), decision.roles(), t.familyId(), rotation.currentTokenId(), accessId,
                        t.authTime(), now, response);
                refreshes.inc();
                if (rotation.outcome() == TokenStore.Rotation.WITHIN_GRACE) {
                    graceRefreshes.inc();
                    LOG.debug("Concurrent refresh within the reuse grace for family {}", t.familyId());
                }
                return AuthResult.ok(new Authentication(t.subject(), decision.roles(), accessId, t.familyId(),
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
     * Ends the family of a refresh token refused as expired, once its signature, claims and the
     * request's fingerprint and CSRF defence pass: if the token is still its family's current one
     * the family has ended with it; if it was spent, another holder carried the family on and
     * ending it is the reuse detection an expired token would otherwise skip.
     */
    private void endFamilyOfAgedToken(AuthRequest request, String token) {
        TokenCodec.Verified aged = codec.verify(token, TokenCodec.Use.REFRESH, TokenCodec.Expiry.IGNORED).token();
        if (aged != null && aged.familyId() != null && fingerprint(request, aged) == null && csrf(request, aged) == null) {
            store.revokeFamily(aged.familyId());
            LOG.info("Expired refresh token presented for subject {}: family {} ended", aged.subject(), aged.familyId());
        }
    }

    /**
     * Ends the session: revokes the access token and the login family (read from the access or
     * the refresh cookie, or from the {@code Authorization: Bearer} header when no such cookie is
     * sent; signature checked, expiry not required, so an expired token still ends its session)
     * and clears every cookie with {@code Max-Age=0}. Every logout but a Bearer one passes the
     * CSRF defence first, also when no token cookie is sent, so another site cannot force a logout.
     *
     * @param request the logout request
     * @param response where the clearing cookies go
     * @return empty when logged out, or the refusal (CSRF, or an unusable Bearer token)
     */
    public Optional<Refusal> logout(AuthRequest request, AuthResponse response) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Optional<String> access = request.cookie(settings.accessCookie());
        Optional<String> refresh = request.cookie(settings.refreshCookie());
        Optional<String> bearer = access.isEmpty() && refresh.isEmpty() && settings.bearerFallback()
                ? bearer(request) : Optional.empty();
        TokenCodec.Verified accessToken;
        TokenCodec.Verified refreshToken = null;
        if (bearer.isPresent()) {
            TokenCodec.Outcome b = codec.verify(bearer.get(), TokenCodec.Use.ACCESS, TokenCodec.Expiry.IGNORED);
            if (b.refusal() != null) {
                refuse(b.refusal());
                return Optional.of(b.refusal());
            }
            accessToken = b.token();
        } else {
            accessToken = access.map(a -> codec.verify(a, TokenCodec.Use.ACCESS, TokenCodec.Expiry.IGNORED).token())
                    .orElse(null);
            refreshToken = refresh.map(r -> codec.verify(r, TokenCodec.Use.REFRESH, TokenCodec.Expiry.IGNORED).token())
                    .orElse(null);
            Refusal csrf = csrf(request, accessToken != null ? accessToken : refreshToken);
            if (csrf != null) {
                refuse(csrf);
                return Optional.of(csrf);
            }
        }
        if (accessToken != null) {
            store.revokeToken(accessToken.tokenId(), accessToken.expiresAt());
            if (accessToken.familyId() != null) {
                store.revokeFamily(accessToken.familyId());
            }
        }
        if (refreshToken != null && refreshToken.familyId() != null) {
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

    /**
     * The CSRF defence, in three layers: Fetch Metadata ({@code Sec-Fetch-Site: cross-site} is
     * refused; {@code same-origin}, {@code same-site}, {@code none} or no header go on), an allowed
     * origin, and the double-submit token, bound to {@code t} when a token verified ({@code t} may
     * be null for a logout carrying no valid token).
     */
    private Refusal csrf(AuthRequest request, TokenCodec.Verified t) {
        // Browsers that send Fetch Metadata say themselves when another site made the request; the
        // cookies are SameSite=Strict, so no legitimate cookie-authenticated request is cross-site.
        if (RequestOrigin.crossSite(request)) {
            return Refusal.CSRF_CROSS_SITE;
        }
        // Referer only stands in for a missing Origin; "Origin: null" (sandboxed frames, some
        // redirects) is an answer in itself and is refused.
        if (!RequestOrigin.allowed(RequestOrigin.origin(request).orElse(null), settings.allowedOrigins())) {
            return Refusal.CSRF_ORIGIN;
        }
        String header = request.header(JwtSettings.CSRF_HEADER).orElse(null);
        String cookie = request.cookie(settings.csrfCookie()).orElse(null);
        if (header == null || !Secrets.constantTimeEquals(header, cookie)
                || (t != null && t.csrfHash() != null
                        && !Secrets.constantTimeEquals(Secrets.sha256(header), t.csrfHash()))) {
            return Refusal.CSRF_TOKEN;
        }
        return null;
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
