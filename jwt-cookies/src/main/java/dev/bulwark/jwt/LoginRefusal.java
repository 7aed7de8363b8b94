package dev.bulwark.jwt;

/**
 * Why {@link LoginGuard} refused a login attempt, with the HTTP status to answer. Counted in
 * {@code bulwark.jwt.login.*} (see {@link LoginGuard}).
 */
public enum LoginRefusal {
    /** The body is not declared {@code application/json} (a cross-site form or {@code text/plain} post). */
    NOT_JSON(415, "unsupported_media_type", "login takes an application/json body"),
    /** {@code Sec-Fetch-Site: cross-site}: the browser says another site sent it. */
    CROSS_SITE(403, "login_cross_site", "login from another site refused"),
    /** An {@code Origin} (or, without one, {@code Referer}) not on the allow-list, or {@code Origin: null}. */
    ORIGIN(403, "login_origin", "login from this origin refused"),
    /** Too many attempts for this user name or from this client: retry after {@code Retry-After} seconds. */
    THROTTLED(429, "login_throttled", "too many login attempts, retry later"),
    /**
     * The password hasher is at its concurrency cap ({@link PasswordHasherBusyException}): the
     * credentials were not checked and the attempt not counted; retry after {@code Retry-After}.
     */
    BUSY(503, "login_busy", "too many logins being checked, retry shortly"),
    /** The credentials did not check out. */
    BAD_CREDENTIALS(401, "bad_credentials", "user name or password is wrong");

    private final int status;
    private final String code;
    private final String message;

    LoginRefusal(int status, String code, String message) {
        this.status = status;
        this.code = code;
        this.message = message;
    }

    /** HTTP status to answer with: 401, 403, 415, 429 or 503. */
    public int status() {
        return status;
    }

    /** Stable machine-readable code, used in JSON errors. */
    public String code() {
        return code;
    }

    /** The JSON error body: {@code {"error":"<code>","message":"..."}}. */
    public String json() {
        return "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }
}
