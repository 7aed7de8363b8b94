package dev.bulwark.jwt;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The defence in front of a login endpoint, for any framework: call {@link #checkRequest} before
 * reading the body and {@link #attempt} around the credential check, then start the session
 * ({@link JwtCookieAuth#login}) only when the outcome {@linkplain LoginOutcome#succeeded() succeeded}.
 *
 * <pre>{@code
 * Optional<LoginRefusal> bad = guard.checkRequest(request);                // 415 / 403, body unread
 * LoginOutcome outcome = guard.attempt(username, clientAddress,
 *         () -> hasher.verify(password, users.hashOf(username)));           // null hash: unknown user
 * if (outcome.succeeded()) { auth.login(username, roles, request, response); }
 * else { outcome.writeHeaders(response); refuse(outcome.refusal().status(), outcome.refusal().json()); }   // 401 / 429 / 503
 * }</pre>
 *
 * <p><b>Request checks.</b> The body must be declared {@code application/json}: a cross-site HTML
 * form or {@code text/plain} post cannot declare it without a CORS preflight (415). A browser's
 * {@code Sec-Fetch-Site: cross-site} is refused (403); then an {@code Origin} (or, without one,
 * the origin of {@code Referer}) must be on the allow-list, {@code Origin: null} is refused (403).
 * A request with none of these headers is not a browser's cross-site request (a browser sends
 * {@code Origin} on every cross-origin POST, and the JSON type would need a preflight) and passes.
 *
 * <p><b>Throttling.</b> Each attempt counts against its user name (NFKC, invisible characters
 * removed, stripped, case-folded) — or, with {@link #attemptForAccount}, against the account the
 * application's lookup resolves it to — and
 * its client address (an IPv6 address by its /64), both hashed before they reach the
 * {@link ThrottleStore}. Over {@link LoginGuardSettings#maxAttemptsPerUser()} or
 * {@link LoginGuardSettings#maxAttemptsPerClient()} within the window, every attempt is refused
 * with 429 and {@code Retry-After} until the lockout ends, without checking the credentials: the
 * right password gets the same answer as a wrong one. Attempts are counted before the check, so
 * parallel guesses cannot slip past the limit. A successful login resets its user name's count
 * and takes its attempt back from the client's.
 *
 * <p><b>Metrics.</b> Counters {@code bulwark.jwt.login.succeeded}, {@code .failed} (wrong
 * credentials), {@code .throttled} (429) and {@code .refused} (415 / 403); a rise of
 * {@code failed} or {@code throttled} is a guessing wave; {@code .busy} (503: the password hasher
 * was at its concurrency cap, the attempt not counted) and {@code .lockouts} (a user name or
 * client went over its limit: one per lockout, also logged).
 */
public final class LoginGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
    /** The throttle store is purged ({@link ThrottleStore#purge}) at most this often, from the login path. */
    public static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    /**
     * Default-ignorable code points (invisible: soft hyphen, zero-width space and joiners, bidi
     * controls, variation selectors, Hangul fillers...), approximated as the format characters
     * plus the few others Unicode lists.
     */
    private static final Pattern IGNORABLE = Pattern.compile(
            "[\\p{Cf}\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u3164\\uFE00-\\uFE0F\\uFFA0\\x{E0100}-\\x{E01EF}]");

    private final LoginGuardSettings settings;
    private final ThrottleStore store;
    private final Clock clock;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter throttled;
    private final Counter refused;
    private final Counter busy;
    private final Counter lockouts;
    private final AtomicLong nextPurge = new AtomicLong(Long.MIN_VALUE);
    private final ThrottleKeys keys;

    /** The credential check the guard runs when the attempt is not throttled. */
    @FunctionalInterface
    public interface Credentials {
        /**
         * Checks the credentials; for an unknown user name it must take as long as for a known one
         * ({@link PasswordHasher#verify} with a null hash does).
         *
         * @return true when they are right
         */
        boolean check();
    }

    private LoginGuard(LoginGuardSettings settings, ThrottleStore store, MetricRegistry metrics, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.succeeded = metrics.counter("bulwark.jwt.login.succeeded");
        this.failed = metrics.counter("bulwark.jwt.login.failed");
        this.throttled = metrics.counter("bulwark.jwt.login.throttled");
        this.refused = metrics.counter("bulwark.jwt.login.refused");
        this.busy = metrics.counter("bulwark.jwt.login.busy");
        this.lockouts = metrics.counter("bulwark.jwt.login.lockouts");
        byte[] secret = settings.throttleKeySecret();
        this.keys = secret == null ? ThrottleKeys.sha256() : ThrottleKeys.hmac(secret);
    }

    /**
     * Creates the guard, with the system UTC clock.
     *
     * @param settings limits and allowed origins
     * @param store where attempts are counted
     * @param metrics where {@code bulwark.jwt.login.*} counters go
     * @return the guard
     */
    public static LoginGuard create(LoginGuardSettings settings, ThrottleStore store, MetricRegistry metrics) {
        return create(settings, store, metrics, Clock.systemUTC());
    }

    /**
     * Creates the guard.
     *
     * @param settings limits and allowed origins
     * @param store where attempts are counted
     * @param metrics where {@code bulwark.jwt.login.*} counters go
     * @param clock time source for windows and lockouts
     * @return the guard
     */
    public static LoginGuard create(LoginGuardSettings settings, ThrottleStore store, MetricRegistry metrics, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        if (!settings.hasThrottleKeySecret() && store.shared()) {
            LOG.warn("Login guard: the throttle store is shared but JWT_LOGIN_THROTTLE_SECRET is not set, so its keys "
                    + "are plain SHA-256 of user names and client addresses, reversible by enumeration: set it (base64, "
                    + ">= 32 bytes, e.g. 'openssl rand -base64 32'), the same on every replica");
        }
        if (settings.noOriginAllowed()) {
            LOG.warn("Login guard: no allowed origin (JWT_ALLOWED_ORIGINS): browser logins, which send Origin, are refused");
        }
        return new LoginGuard(settings, store, metrics, clock);
    }

    /**
     * The client address to pass to {@link #attempt}: the peer, unless the peer is one of
     * {@link LoginGuardSettings#trustedProxies()}; then the right-most {@code X-Forwarded-For} hop
     * that is not a trusted proxy (the address the outermost trusted proxy saw; hops further left
     * are whatever the client wrote). Without trusted proxies behind a reverse proxy, every login
     * comes from the proxy's address and the per-client limit becomes one global limit.
     *
     * @param request the login request
     * @param peer the connection's remote address ({@code JdkHttpAuth.clientAddress}, the servlet's)
     * @return the address to count the attempt against
     */
    public String clientAddress(AuthRequest request, String peer) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(peer, "peer");
        if (!settings.trustedProxy(peer)) {
            return peer;
        }
        String[] hops = request.header("X-Forwarded-For").orElse("").split(",");
        String leftmost = null;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            if (!settings.trustedProxy(hop)) {
                return hop;
            }
            leftmost = hop;
        }
        return leftmost != null ? leftmost : peer;
    }

    /** The settings in force. */
    public LoginGuardSettings settings() {
        return settings;
    }

    /**
     * Checks what can be checked before the body is read: JSON content type, Fetch Metadata,
     * origin.
     *
     * @param request the login request
     * @return empty when it may go on, else {@link LoginRefusal#NOT_JSON}, {@link LoginRefusal#CROSS_SITE}
     *     or {@link LoginRefusal#ORIGIN}
     */
    public Optional<LoginRefusal> checkRequest(AuthRequest request) {
        Objects.requireNonNull(request, "request");
        LoginRefusal refusal = null;
        String type = request.header("Content-Type").map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
                .orElse("");
        if (!"application/json".equals(type)) {
            refusal = LoginRefusal.NOT_JSON;
        } else if (RequestOrigin.crossSite(request)) {
            refusal = LoginRefusal.CROSS_SITE;
        } else {
            Optional<String> origin = RequestOrigin.origin(request);
            if (origin.isPresent() && !RequestOrigin.allowed(origin.get(), settings.allowedOrigins())) {
                refusal = LoginRefusal.ORIGIN;
            }
        }
        if (refusal != null) {
            refused.inc();
            LOG.debug("Login request refused: {}", refusal.code());
        }
        return Optional.ofNullable(refusal);
    }

    /**
     * Counts the attempt against the user name and the client, runs the credential check unless
     * either is throttled, and records the result. The name is counted in the normalised form of
     * {@code userName} (NFKC, invisible characters removed, stripped, case-folded); when the
     * application's user lookup is more lenient than that, use {@link #attemptForAccount} with
     * the account it resolves to.
     *
     * @param username the user name presented (never logged)
     * @param clientAddress the client's address (the peer, or the address a trusted proxy reports)
     * @param credentials the credential check, run only when not throttled
     * @return succeeded, {@link LoginRefusal#BAD_CREDENTIALS}, {@link LoginRefusal#THROTTLED} with
     *     the wait, or {@link LoginRefusal#BUSY} (the check threw {@link PasswordHasherBusyException}:
     *     not counted, retry after a second)
     * @throws TokenStoreException when the throttle store cannot answer (fail closed)
     */
    public LoginOutcome attempt(String username, String clientAddress, Credentials credentials) {
        Objects.requireNonNull(username, "username");
        return counted("u:" + keys.key(userName(username)), clientAddress, credentials);
    }

    /**
     * Like {@link #attempt}, counting the attempt against the <b>account</b> the application's
     * user lookup resolves the name to, rather than against the name as typed: use it whenever the
     * lookup is more lenient than {@link #attempt}'s normalisation (a case- or accent-insensitive
     * collation, trimming, a login by e-mail or by name). The key must equal what the lookup uses,
     * so that every spelling reaching one account gives one key: the stored user id for a known
     * user, the lookup's own normalised form of the name for an unknown one. Otherwise each
     * variant gets a fresh count, and a success on one account could reset another's.
     *
     * <pre>{@code
     * Optional<User> user = users.find(form.username());                    // the lookup, however lenient
     * String account = user.map(User::id).orElse(users.normalise(form.username()));
     * LoginOutcome outcome = guard.attemptForAccount(account, clientAddress,
     *         () -> hasher.verify(form.password(), user.map(User::hash).orElse(null)));
     * }</pre>
     *
     * @param accountKey the canonical account key, used as is (hashed, never logged)
     * @param clientAddress the client's address (the peer, or the address a trusted proxy reports)
     * @param credentials the credential check, run only when not throttled
     * @return as {@link #attempt}
     * @throws TokenStoreException when the throttle store cannot answer (fail closed)
     */
    public LoginOutcome attemptForAccount(String accountKey, String clientAddress, Credentials credentials) {
        Objects.requireNonNull(accountKey, "accountKey");
        return counted("a:" + keys.key(accountKey), clientAddress, credentials);
    }

    private LoginOutcome counted(String userKey, String clientAddress, Credentials credentials) {
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(credentials, "credentials");
        String clientKey = "c:" + keys.key(client(clientAddress));
        Instant now = clock.instant();
        purgeIfDue(now);
        Instant blocked = store.acquire(clientKey, now, settings.maxAttemptsPerClient(), settings.window(),
                settings.lockout());
        if (blocked != null) {
            return throttled(blocked, now, "client", clientKey);
        }
        blocked = store.acquire(userKey, now, settings.maxAttemptsPerUser(), settings.window(), settings.lockout());
        if (blocked != null) {
            store.release(clientKey); // no guess was made: the client's count is for credential checks
            return throttled(blocked, now, "user name", userKey);
        }
        boolean ok;
        try {
            ok = credentials.check();
        } catch (PasswordHasherBusyException e) {
            // Not checked, so not counted: a flood of parallel logins gets 503, never a lockout of its own making.
            store.release(clientKey);
            store.release(userKey);
            busy.inc();
            LOG.debug("Login not checked: {}", e.getMessage());
            return new LoginOutcome(LoginRefusal.BUSY, Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            store.release(clientKey);
            store.release(userKey);
            throw e;
        }
        if (ok) {
            store.reset(userKey);
            store.release(clientKey);
            succeeded.inc();
            return LoginOutcome.SUCCEEDED;
        }
        failed.inc();
        return new LoginOutcome(LoginRefusal.BAD_CREDENTIALS, null);
    }

    /** Purges the throttle store at most once per {@link #PURGE_INTERVAL}; never fails a login. */
    private void purgeIfDue(Instant now) {
        long due = nextPurge.get();
        if (now.toEpochMilli() < due || !nextPurge.compareAndSet(due, now.plus(PURGE_INTERVAL).toEpochMilli())) {
            return;
        }
        try {
            int removed = store.purge(now);
            LOG.debug("Purged {} stale login throttle keys", removed);
        } catch (RuntimeException e) {
            LOG.warn("Could not purge stale login throttle keys: {}", e.getMessage());
        }
    }

    private LoginOutcome throttled(Instant blockedUntil, Instant now, String what, String key) {
        throttled.inc();
        // Only the attempt that crossed the limit: one line per lockout, not per refused attempt. Compared
        // in milliseconds: a database store keeps milliseconds, the clock may have nanoseconds.
        if (blockedUntil.toEpochMilli() == now.plus(settings.lockout()).toEpochMilli()) {
            lockouts.inc();
            LOG.warn("Login attempts over the limit for a {} (key {}): throttled until {}", what, key.substring(0, 10),
                    blockedUntil);
        }
        long seconds = Math.max(1, Duration.between(now, blockedUntil).plusMillis(999).toSeconds());
        return new LoginOutcome(LoginRefusal.THROTTLED, Duration.ofSeconds(seconds));
    }

    /**
     * The user name as counted: NFKC (so a no-break or em space becomes a space, full-width letters
     * plain ones), default-ignorable code points removed (soft hyphen, zero-width space...),
     * {@link String#strip() stripped} of Unicode white space, case-folded (upper then lower case,
     * so "STRASSE" and "straße" are one) and NFKC again: "Alice\u00A0", "al\u00ADice" and
     * "ALICE" are all "alice".
     */
    static String userName(String username) {
        String s = Normalizer.normalize(username, Normalizer.Form.NFKC);
        s = IGNORABLE.matcher(s).replaceAll("").strip();
        s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(s, Normalizer.Form.NFKC);
    }

    /**
     * Hex digits, colons and dots only, with a colon, starting with a hex digit or a colon, at most
     * 45 characters: an IPv6 literal, which {@link InetAddress#getByName} parses without any name
     * lookup (".:1" would be looked up in DNS).
     */
    static boolean isIpv6Literal(String s) {
        if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0) {
            return false;
        }
        char first = s.charAt(0);
        if (first != ':' && !((first >= '0' && first <= '9') || (first >= 'a' && first <= 'f') || (first >= 'A' && first <= 'F'))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * The client as counted: an IPv6 address by its /64 (one host easily holds a whole /64), an
     * IPv4-mapped IPv6 address as its IPv4 address, anything else as is.
     */
    static String client(String address) {
        String a = address.trim();
        String literal = a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (!isIpv6Literal(literal)) {
            return a;
        }
        try {
            InetAddress parsed = InetAddress.getByName(literal); // a literal (checked above): no name lookup
            byte[] bytes = parsed.getAddress();
            // ::ffff:a.b.c.d parses as an Inet4Address: count it as a.b.c.d, the same client.
            return bytes.length == 16 ? "v6/64:" + Arrays.toString(Arrays.copyOf(bytes, 8)) : parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
