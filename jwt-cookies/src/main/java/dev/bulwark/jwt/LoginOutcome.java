package dev.bulwark.jwt;

import java.time.Duration;

/**
 * What {@link LoginGuard} decided about one login attempt: go ahead (the credentials checked
 * out: start the session) or a refusal, with how long to wait when throttled.
 *
 * @param refusal why the attempt is refused, or null when it succeeded
 * @param retryAfter how long the caller must wait (whole seconds, at least 1) for
 *     {@link LoginRefusal#THROTTLED} and {@link LoginRefusal#BUSY}, else null
 */
public record LoginOutcome(LoginRefusal refusal, Duration retryAfter) {

    static final LoginOutcome SUCCEEDED = new LoginOutcome(null, null);

    /** Whether the credentials checked out and the session may start. */
    public boolean succeeded() {
        return refusal == null;
    }

    /**
     * Writes what the refusal needs besides status and body: {@code Retry-After} (seconds) when
     * throttled or busy.
     *
     * @param response where the header goes
     */
    public void writeHeaders(AuthResponse response) {
        if (retryAfter != null) {
            response.addHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
        }
    }
}
