package dev.bulwark.jwt;

import java.time.Instant;

/**
 * Server-side token state: login families with their current refresh token, and revoked access
 * tokens. Implementations must be safe for concurrent use; {@link #rotate} must be atomic, also
 * across service instances sharing the store ({@link JdbcTokenStore} does it in one UPDATE).
 */
public interface TokenStore {

    /**
     * Records a new login family whose first refresh token is {@code tokenId}.
     *
     * @param familyId new family id
     * @param subject who logged in
     * @param tokenId the family's first refresh token id
     * @param expiresAt when the family's state may be forgotten
     */
    void startFamily(String familyId, String subject, String tokenId, Instant expiresAt);

    /**
     * Spends refresh token {@code presentedId} of the family and makes {@code nextId} current.
     * Presenting a token that is not the family's current one is reuse: the family is revoked.
     *
     * @param familyId the family
     * @param presentedId the refresh token presented
     * @param nextId the refresh token issued in its place
     * @param expiresAt new expiry of the family's state
     * @return what happened
     */
    Rotation rotate(String familyId, String presentedId, String nextId, Instant expiresAt);

    /**
     * Revokes a family: its refresh tokens stop working and its access tokens are refused.
     *
     * @param familyId the family
     */
    void revokeFamily(String familyId);

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
     * Forgets entries that expired before {@code now}.
     *
     * @param now the current time
     * @return entries removed
     */
    int purgeExpired(Instant now);

    /** The outcome of {@link #rotate}. */
    enum Rotation {
        /** The presented token was current; the next one is now. */
        ROTATED,
        /** The presented token was already spent: the family has been revoked. */
        REUSED,
        /** The family was revoked earlier (logout or reuse). */
        REVOKED,
        /** No such family (never started, or purged after expiry). */
        UNKNOWN
    }
}
