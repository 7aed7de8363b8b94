package dev.bulwark.jwt;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Re-checks the user at every refresh, so that a disabled account or a changed role takes effect
 * within one access-token lifetime instead of living on in the refresh family. Called by
 * {@link JwtCookieAuth#refresh} after the token, CSRF, session lifetime and idle checks have
 * passed and before the refresh token is rotated; it answers with the roles to write into the new tokens, or a refusal, which ends the
 * session (the family is revoked, the cookies cleared, {@link Refusal#SESSION_REFUSED}).
 *
 * <pre>{@code
 * SessionValidator validator = session -> users.find(session.subject())
 *         .filter(User::active)
 *         .map(user -> SessionValidator.Decision.allow(user.roles()))
 *         .orElse(SessionValidator.Decision.refuse());
 * JwtCookieAuth auth = JwtCookieAuth.create(settings, store, metrics, Clock.systemUTC(), validator);
 * }</pre>
 *
 * <p>It runs on the request thread; an exception it throws propagates to the caller of
 * {@code refresh} (the adapters answer 500) and leaves the session as it was.
 */
@FunctionalInterface
public interface SessionValidator {

    /**
     * Decides whether the session may go on, and with which roles.
     *
     * @param session the session being refreshed
     * @return the decision
     */
    Decision validate(Session session);

    /**
     * The validator that keeps every session and its roles: the behaviour without a validator.
     *
     * @return the validator
     */
    static SessionValidator keepRoles() {
        return session -> Decision.allow(session.roles());
    }

    /**
     * A session at refresh time, as its signed refresh token describes it.
     *
     * @param subject the user
     * @param roles the roles its tokens carry now
     * @param familyId the login family (the session's id)
     * @param authTime when the user logged in
     * @param lastRefreshAt when the presented refresh token was issued (the last login or refresh)
     */
    record Session(String subject, List<String> roles, String familyId, Instant authTime, Instant lastRefreshAt) {
        /** Copies the roles. */
        public Session {
            roles = List.copyOf(roles);
        }
    }

    /**
     * The answer: the roles to carry forward, or a refusal.
     *
     * @param roles the roles for the new tokens (empty when refused)
     * @param refused true to end the session
     */
    record Decision(List<String> roles, boolean refused) {
        /** Copies the roles; a refusal carries none. */
        public Decision {
            roles = List.copyOf(roles);
            if (refused && !roles.isEmpty()) {
                throw new IllegalArgumentException("a refusal carries no roles");
            }
        }

        /**
         * Lets the session go on with these roles.
         *
         * @param roles the user's current roles
         * @return the decision
         */
        public static Decision allow(Collection<String> roles) {
            return new Decision(List.copyOf(Objects.requireNonNull(roles, "roles")), false);
        }

        /**
         * Ends the session.
         *
         * @return the decision
         */
        public static Decision refuse() {
            return new Decision(List.of(), true);
        }
    }
}
