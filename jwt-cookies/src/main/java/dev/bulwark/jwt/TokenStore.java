package dev.bulwark.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Server-side token state: login families with their current refresh token, and revoked access
 * tokens. Implementations must be safe for concurrent use; {@link #rotate} must be atomic, also
 * across service instances sharing the store ({@link JdbcTokenStore} does it in one transaction
 * holding the family's row lock), and every write must be durable and visible to every instance
 * once the method returns.
 */
public interface TokenStore {

    /**
     * Records a new login family (a session) whose first refresh token is {@code tokenId}.
     *
     * @param familyId new family id
     * @param subject who logged in
     * @param tokenId the family's first refresh token id
     * @param createdAt when the user logged in
     * @param expiresAt when the family's state may be forgotten
     * @param clientHint what the client said it is (a shortened {@code User-Agent}), or null
     */
    void startFamily(String familyId, String subject, String tokenId, Instant createdAt, Instant expiresAt,
            String clientHint);

    /**
     * Spends refresh token {@code presentedId} of the family and makes {@code nextId} current,
     * remembering the spent one and when it was spent.
     *
     * <p>Presenting the token spent just before the current one, no later than
     * {@code reuseGrace} after it was spent, is a concurrent refresh (two tabs): nothing changes
     * and the result names the current token ({@link Rotation#WITHIN_GRACE}). Presenting any other
     * token that is not current (an older one, or the previous one after the grace) is reuse: the
     * family is revoked ({@link Rotation#REUSED}).
     *
     * @param familyId the family
     * @param presentedId the refresh token presented
     * @param nextId the refresh token issued in its place
     * @param now the current time (when the presented token is spent)
     * @param reuseGrace how long the previous token stays acceptable; {@link Duration#ZERO} never
     * @param expiresAt new expiry of the family's state
     * @return what happened, with the refresh token now current when the caller may issue it
     */
    RotationResult rotate(String familyId, String presentedId, String nextId, Instant now, Duration reuseGrace,
            Instant expiresAt);

    /**
     * Revokes a family: its refresh tokens stop working and its access tokens are refused.
     *
     * @param familyId the family
     */
    void revokeFamily(String familyId);

    /**
     * The subject's sessions that are neither revoked nor expired at {@code now}, oldest first.
     *
     * @param subject the user
     * @param now the current time
     * @return the sessions (never token material)
     */
    List<StoredSession> sessions(String subject, Instant now);

    /**
     * Ends one session of a subject: its family is revoked, so its refresh and access tokens are
     * refused at once by every instance sharing the store.
     *
     * @param subject the user the session must belong to
     * @param familyId the session
     * @return true when a live session of that subject was ended
     */
    boolean endSession(String subject, String familyId);

    /**
     * Ends every session of a subject (password change, account disabled).
     *
     * @param subject the user
     * @return sessions ended
     */
    int endAllSessions(String subject);

    /**
     * A session as the store keeps it.
     *
     * @param familyId the session's id (its login family)
     * @param subject the user
     * @param createdAt when the user logged in (null for sessions an older version started)
     * @param lastUsedAt the last login or refresh (null for sessions an older version started)
     * @param expiresAt when its current refresh token expires
     * @param clientHint what the client said it is, or null
     */
    record StoredSession(String familyId, String subject, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
            String clientHint) {
    }

    /**
     * Revokes one access token until it expires.
     *
     * @param tokenId its {@code jti}
     * @param expiresAt its {@code exp}; the entry may be purged after
     */
    void revokeToken(String tokenId, Instant expiresAt);

    /**
     * Whether an access token, or its family, was revoked.
     *
     * @param tokenId the token's {@code jti}
     * @param familyId the token's family
     * @return true when refused
     */
    boolean isRevoked(String tokenId, String familyId);

    /**
     * Forgets entries that expired before {@code now}. Tokens are accepted up to the clock skew
     * past their {@code exp}, so pass a time that far (plus the refresh reuse grace) in the past,
     * as {@link JwtCookieAuth} does; purging at the current time would let a revoked token that
     * is still within the skew through once its entry is gone.
     *
     * @param now the current time, less the clock skew and the reuse grace
     * @return entries removed
     */
    int purgeExpired(Instant now);

    /**
     * The result of {@link #rotate}.
     *
     * @param outcome what happened
     * @param currentTokenId the refresh token that is current now, for {@link Rotation#ROTATED}
     *     (the next one) and {@link Rotation#WITHIN_GRACE} (the one a concurrent refresh issued);
     *     null otherwise
     */
    record RotationResult(Rotation outcome, String currentTokenId) {

        /** Checks that a token is named exactly when the caller may issue one. */
        public RotationResult {
            Objects.requireNonNull(outcome, "outcome");
            boolean issues = outcome == Rotation.ROTATED || outcome == Rotation.WITHIN_GRACE;
            if (issues != (currentTokenId != null)) {
                throw new IllegalArgumentException(outcome + " must " + (issues ? "" : "not ") + "name a current token");
            }
        }

        /**
         * A result that issues the given current token.
         *
         * @param outcome {@link Rotation#ROTATED} or {@link Rotation#WITHIN_GRACE}
         * @param currentTokenId the current refresh token
         * @return the result
         */
        public static RotationResult issuing(Rotation outcome, String currentTokenId) {
            return new RotationResult(outcome, currentTokenId);
        }

        /**
         * A refusal result.
         *
         * @param outcome {@link Rotation#REUSED}, {@link Rotation#REVOKED} or {@link Rotation#UNKNOWN}
         * @return the result
         */
        public static RotationResult refused(Rotation outcome) {
            return new RotationResult(outcome, null);
        }
    }

    /** The outcome of {@link #rotate}. */
    enum Rotation {
        /** The presented token was current; the next one is now. */
        ROTATED,
        /**
         * The presented token is the one spent just before the current one, within the reuse
         * grace: a concurrent refresh. Nothing changed; the current token may be issued again.
         */
        WITHIN_GRACE,
        /** The presented token was already spent: the family has been revoked. */
        REUSED,
        /** The family was revoked earlier (logout or reuse). */
        REVOKED,
        /** No such family (never started, or purged after expiry). */
        UNKNOWN
    }
}
