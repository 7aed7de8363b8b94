package dev.bulwark.jwt;

import java.time.Instant;

/**
 * One of a user's active sessions (login families), as {@link JwtCookieAuth#sessions} lists it:
 * what a "your devices" page shows. Never carries token material.
 *
 * @param id the session's id (to end it with {@link JwtCookieAuth#endSession})
 * @param current true for the session the listing request was made with
 * @param createdAt when the user logged in (null for a session an older version started)
 * @param lastUsedAt the last login or refresh (null for a session an older version started)
 * @param expiresAt when it ends unless refreshed: its current refresh token's expiry, or its idle
 *     limit after the last use when that comes first; at the latest the session's absolute end
 * @param clientHint what the client said it is at login (a shortened {@code User-Agent}), or null
 */
public record ActiveSession(String id, boolean current, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
        String clientHint) {
}
