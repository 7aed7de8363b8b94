package dev.bulwark.jwt;

/**
 * Why a request was not authenticated. Each reason has its HTTP status (401 for a missing or bad
 * token, 403 for a CSRF failure) and, for 401s, the {@code WWW-Authenticate} value to send.
 */
public enum Refusal {
    /** No access token in the cookie or (when enabled) the Authorization header. */
    MISSING(401, "missing_token"),
    /** Not a well-formed signed JWT (bad base64 / JSON, missing required claims). */
    MALFORMED(401, "malformed_token"),
    /** Cookie or header larger than the configured cap; refused before parsing. */
    TOO_LARGE(401, "token_too_large"),
    /** The {@code kid} names no configured key (or one whose JWK {@code nbf} / {@code exp} do not allow it now). */
    UNKNOWN_KEY(401, "unknown_key"),
    /** The token's {@code alg} is not the algorithm of the key it names ({@code none} included). */
    ALGORITHM_NOT_ALLOWED(401, "algorithm_not_allowed"),
    /** The signature does not verify. */
    BAD_SIGNATURE(401, "bad_signature"),
    /** {@code exp} has passed (beyond the clock skew). */
    EXPIRED(401, "token_expired"),
    /** {@code nbf} or {@code iat} is in the future (beyond the clock skew). */
    NOT_YET_VALID(401, "token_not_yet_valid"),
    /** {@code iss} is not the configured issuer. */
    WRONG_ISSUER(401, "wrong_issuer"),
    /** {@code aud} does not contain the configured audience. */
    WRONG_AUDIENCE(401, "wrong_audience"),
    /** An access token used as a refresh token or the other way round. */
    WRONG_TOKEN_TYPE(401, "wrong_token_type"),
    /** The token, or its login family, was revoked (logout, reuse detection). */
    REVOKED(401, "token_revoked"),
    /** A spent refresh token was presented again: the whole family is now revoked. */
    REFRESH_REUSED(401, "refresh_token_reused"),
    /** The session's absolute lifetime ({@code JWT_SESSION_MAX_AGE}, from the login) is over: log in again. */
    SESSION_EXPIRED(401, "session_expired"),
    /** The refresh token went unused longer than the idle limit ({@code JWT_SESSION_IDLE_TIMEOUT}). */
    SESSION_IDLE(401, "session_idle"),
    /** The application's {@link SessionValidator} refused the session at refresh (account disabled...). */
    SESSION_REFUSED(401, "session_refused"),
    /** The token is bound to a fingerprint cookie that is missing or does not match. */
    FINGERPRINT_MISMATCH(401, "fingerprint_mismatch"),
    /** A cookie-authenticated unsafe request the browser marked {@code Sec-Fetch-Site: cross-site}. */
    CSRF_CROSS_SITE(403, "csrf_cross_site"),
    /** A cookie-authenticated unsafe request from an origin not on the allow-list (or with none). */
    CSRF_ORIGIN(403, "csrf_origin"),
    /** A cookie-authenticated unsafe request without the matching double-submit CSRF token. */
    CSRF_TOKEN(403, "csrf_token");

    private final int status;
    private final String code;

    Refusal(int status, String code) {
        this.status = status;
        this.code = code;
    }

    /** HTTP status to answer with: 401 or 403. */
    public int status() {
        return status;
    }

    /** Stable machine-readable code, used in JSON errors and metric names. */
    public String code() {
        return code;
    }

    /** The {@code WWW-Authenticate} header value for a 401, or null for a 403. */
    public String wwwAuthenticate() {
        if (status != 401) {
            return null;
        }
        return this == MISSING ? "Bearer" : "Bearer error=\"invalid_token\", error_description=\"" + code + "\"";
    }

    /** The JSON error body: {@code {"error":"<code>","message":"..."}}. */
    public String json() {
        String message = status == 403 ? "request refused by CSRF defence" : "authentication required";
        return "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }
}
