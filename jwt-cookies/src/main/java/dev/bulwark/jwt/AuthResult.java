package dev.bulwark.jwt;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link JwtCookieAuth#authenticate} or {@link JwtCookieAuth#refresh}: either an
 * {@link Authentication} or a {@link Refusal}.
 *
 * @param authentication the caller, or null when refused
 * @param refusal why it was refused, or null when authenticated
 */
public record AuthResult(Authentication authentication, Refusal refusal) {

    /** Exactly one of the two is set. */
    public AuthResult {
        if ((authentication == null) == (refusal == null)) {
            throw new IllegalArgumentException("exactly one of authentication and refusal must be set");
        }
    }

    static AuthResult ok(Authentication authentication) {
        return new AuthResult(Objects.requireNonNull(authentication), null);
    }

    static AuthResult refused(Refusal refusal) {
        return new AuthResult(null, Objects.requireNonNull(refusal));
    }

    /** True when the caller was authenticated. */
    public boolean authenticated() {
        return authentication != null;
    }

    /** The caller, when authenticated. */
    public Optional<Authentication> caller() {
        return Optional.ofNullable(authentication);
    }
}
