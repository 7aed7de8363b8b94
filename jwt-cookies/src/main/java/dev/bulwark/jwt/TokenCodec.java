package dev.bulwark.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Signs and verifies tokens with the configured keys; the token never chooses the key or the algorithm. */
final class TokenCodec {

    static final String TOKEN_USE = "token_use";
    static final String ROLES = "roles";
    static final String FAMILY = "fam";
    static final String CSRF = "csrf";
    static final String FINGERPRINT = "fgp";
    /** When the session began (the login), copied unchanged into every token of the family (OIDC's name). */
    static final String AUTH_TIME = "auth_time";

    enum Use {
        ACCESS("access", new JOSEObjectType("at+jwt")),
        REFRESH("refresh", new JOSEObjectType("rt+jwt"));

        final String claim;
        final JOSEObjectType type;

        Use(String claim, JOSEObjectType type) {
            this.claim = claim;
            this.type = type;
        }
    }

    /**
     * A token that verified: its claims, read once. {@code authTime} is the login time ({@code iat}
     * for tokens issued before {@code auth_time} was written); {@code issuedAt} the token's {@code iat}.
     */
    record Verified(String subject, List<String> roles, String tokenId, String familyId, Instant expiresAt,
            String csrfHash, String fingerprintHash, Instant trustUntil, Instant authTime, Instant issuedAt) {
    }

    /** Whether {@link #verify} insists on an unexpired token (logout does not: it only ends sessions). */
    enum Expiry {
        REQUIRED,
        IGNORED
    }

    /** Either a verified token or the refusal. */
    record Outcome(Verified token, Refusal refusal) {
        static Outcome refused(Refusal refusal) {
            return new Outcome(null, refusal);
        }
    }

    private final JwtSettings settings;
    private final Clock clock;

    TokenCodec(JwtSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    String sign(Use use, String subject, List<String> roles, String tokenId, String familyId, Instant authTime,
            Instant issuedAt, Instant expiresAt, Map<String, String> extra) {
        JwtKeys.Entry key = settings.keys().signing(issuedAt).orElseThrow(() -> new IllegalStateException(
                "cannot sign a token: no signing key is valid at " + issuedAt + " (their JWK nbf/exp: "
                        + settings.keys().describeSigners() + "); add a current key to JWT_JWKS / JWT_JWKS_FILE"));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .audience(settings.audience())
                .subject(subject)
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(tokenId)
                .claim(TOKEN_USE, use.claim)
                .claim(ROLES, roles)
                .claim(FAMILY, familyId)
                .claim(AUTH_TIME, Date.from(authTime));
        extra.forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm).keyID(key.kid).type(use.type).build(),
                claims.build());
        try {
            jwt.sign(key.signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token with key '" + key.kid + "': " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** Only on the error path: tells an unsigned (alg=none) or encrypted JWT from junk. */
    private static boolean unsigned(String token) {
        try {
            JWT parsed = JWTParser.parse(token);
            return !(parsed instanceof SignedJWT);
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    Outcome verify(String token, Use expected) {
        return verify(token, expected, Expiry.REQUIRED);
    }

    Outcome verify(String token, Use expected, Expiry expiry) {
        if (token.length() > settings.maxTokenBytes()) {
            return Outcome.refused(Refusal.TOO_LARGE);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            return Outcome.refused(unsigned(token) ? Refusal.ALGORITHM_NOT_ALLOWED : Refusal.MALFORMED);
        }
        JWSHeader header = jwt.getHeader();
        JwtKeys.Entry key = settings.keys().find(header.getKeyID()).orElse(null);
        Instant now = clock.instant();
        // A key's expiry is ignored with the token's (logout, and ending the family of an aged
        // refresh token): a spent token signed by a key retired since must still end its session.
        if (key == null || (expiry == Expiry.REQUIRED && key.expires != null && now.isAfter(key.expires))
                || (key.notBefore != null && now.isBefore(key.notBefore))) {
            return Outcome.refused(Refusal.UNKNOWN_KEY);
        }
        if (!key.algorithm.equals(header.getAlgorithm()) || JWSAlgorithm.NONE.equals(header.getAlgorithm())) {
            return Outcome.refused(Refusal.ALGORITHM_NOT_ALLOWED);
        }
        try {
            if (!jwt.verify(key.verifier)) {
                return Outcome.refused(Refusal.BAD_SIGNATURE);
            }
        } catch (JOSEException | RuntimeException e) {
            return Outcome.refused(Refusal.BAD_SIGNATURE);
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Outcome.refused(Refusal.MALFORMED);
        }
        Object use = claims.getClaim(TOKEN_USE);
        if (!expected.claim.equals(use) || !expected.type.equals(header.getType())) {
            return Outcome.refused(use == null ? Refusal.MALFORMED : Refusal.WRONG_TOKEN_TYPE);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || claims.getSubject() == null || claims.getJWTID() == null) {
            return Outcome.refused(Refusal.MALFORMED);
        }
        if (expiry == Expiry.REQUIRED && now.minus(settings.clockSkew()).isAfter(exp.toInstant())) {
            return Outcome.refused(Refusal.EXPIRED);
        }
        Instant earliest = now.plus(settings.clockSkew());
        if ((claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(earliest))
                || (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(earliest))) {
            return Outcome.refused(Refusal.NOT_YET_VALID);
        }
        if (!settings.issuer().equals(claims.getIssuer())) {
            return Outcome.refused(Refusal.WRONG_ISSUER);
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(settings.audience())) {
            return Outcome.refused(Refusal.WRONG_AUDIENCE);
        }
        try {
            List<String> roles = claims.getStringListClaim(ROLES);
            Instant issuedAt = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
            Date authTime = claims.getDateClaim(AUTH_TIME);
            return new Outcome(new Verified(claims.getSubject(), roles == null ? List.of() : roles, claims.getJWTID(),
                    claims.getStringClaim(FAMILY), exp.toInstant(), claims.getStringClaim(CSRF),
                    claims.getStringClaim(FINGERPRINT),
                    key.expires != null && key.expires.isBefore(exp.toInstant()) ? key.expires : exp.toInstant(),
                    authTime != null ? authTime.toInstant() : issuedAt, issuedAt), null);
        } catch (ParseException e) {
            return Outcome.refused(Refusal.MALFORMED);
        }
    }
}
