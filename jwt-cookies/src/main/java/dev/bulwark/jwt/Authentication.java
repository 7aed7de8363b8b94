package dev.bulwark.jwt;

import java.time.Instant;
import java.util.List;

/**
 * A verified caller.
 *
 * @param subject the token's {@code sub}
 * @param roles the token's roles
 * @param tokenId the access token's {@code jti}
 * @param familyId the login family the token belongs to
 * @param expiresAt when the access token expires
 * @param via where the token came from
 */
public record Authentication(String subject, List<String> roles, String tokenId, String familyId, Instant expiresAt,
        Via via) {

    /** Copies the roles. */
    public Authentication {
        roles = List.copyOf(roles);
    }

    /**
     * Whether the caller has a role.
     *
     * @param role role name
     * @return true when present
     */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Where the token was read from. */
    public enum Via {
        /** The HttpOnly access-token cookie (CSRF defence applies). */
        COOKIE,
        /** The {@code Authorization: Bearer} header (no CSRF risk: browsers never add it on their own). */
        BEARER
    }
}
