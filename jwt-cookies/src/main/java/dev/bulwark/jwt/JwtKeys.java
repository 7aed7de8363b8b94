package dev.bulwark.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys tokens are signed and verified with, each with a key id ({@code kid}) and exactly one
 * algorithm: HS256 for a secret of at least 256 bits, ES256 for a P-256 key pair, EdDSA for an
 * Ed25519 key pair (needs {@code com.google.crypto.tink:tink}), RS256 for an RSA key pair of at
 * least 2048 bits.
 *
 * <p>Rotation without logging anyone out: the first key that can sign <i>and whose JWK
 * {@code nbf} / {@code exp} allow it now</i> signs every new token; every key in the set verifies
 * while its dates allow. So to rotate, put the new key first (with an {@code nbf} if it should
 * only take over later) and keep the old one until the tokens it signed have expired. An expired
 * key never signs; {@link JwtCookieAuth} warns a week before the last signing key expires.
 *
 * <p>A token is verified only with the key its {@code kid} names and only with that key's
 * algorithm: the token's {@code alg} header never chooses the algorithm.
 */
public final class JwtKeys {

    /** One configured key. */
    static final class Entry {
        final String kid;
        final JWSAlgorithm algorithm;
        final JWSSigner signer;
        final JWSVerifier verifier;
        final Instant notBefore;
        final Instant expires;

        Entry(String kid, JWSAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier, Instant notBefore,
                Instant expires) {
            this.kid = kid;
            this.algorithm = algorithm;
            this.signer = signer;
            this.verifier = verifier;
            this.notBefore = notBefore;
            this.expires = expires;
        }

        /** Whether the key's JWK {@code nbf} / {@code exp} allow it at {@code now}. */
        boolean validAt(Instant now) {
            return (notBefore == null || !now.isBefore(notBefore)) && (expires == null || !now.isAfter(expires));
        }
    }

    private final List<Entry> signers;

    private final Map<String, Entry> byKid;
    private final Entry current;

    private JwtKeys(List<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("JWT keys: no key configured; set JWT_SECRET or JWT_JWKS / JWT_JWKS_FILE");
        }
        Map<String, Entry> map = new LinkedHashMap<>();
        List<Entry> canSign = new ArrayList<>();
        for (Entry e : entries) {
            if (map.put(e.kid, e) != null) {
                throw new IllegalArgumentException("JWT keys: key id '" + e.kid + "' appears twice; each kid must be unique");
            }
            if (e.signer != null) {
                canSign.add(e);
            }
        }
        if (canSign.isEmpty()) {
            throw new IllegalArgumentException("JWT keys: no key can sign (only public keys given); "
                    + "include the private part of the current key");
        }
        this.byKid = Collections.unmodifiableMap(map);
        this.signers = List.copyOf(canSign);
        this.current = canSign.get(0);
    }

    /**
     * An HS256 key set with one secret.
     *
     * @param kid key id written into tokens
     * @param secret at least 32 bytes (256 bits) of random secret
     * @return the key set
     * @throws IllegalArgumentException when the secret is shorter than 256 bits
     */
    public static JwtKeys hmac(String kid, byte[] secret) {
        return new JwtKeys(List.of(hmacEntry(kid, secret, null, null)));
    }

    /**
     * Keys from a JWK set (JSON {@code {"keys":[...]}}) or a single JWK. Each key needs a
     * {@code kid}; private parts make a key able to sign.
     *
     * @param json the JWK set or JWK
     * @return the key set
     * @throws IllegalArgumentException naming the key when one is unusable
     */
    public static JwtKeys fromJwks(String json) {
        Objects.requireNonNull(json, "json");
        List<JWK> jwks;
        try {
            String trimmed = json.trim();
            jwks = trimmed.contains("\"keys\"") ? JWKSet.parse(trimmed).getKeys() : List.of(JWK.parse(trimmed));
        } catch (ParseException e) {
            throw new IllegalArgumentException("JWT keys: not a valid JWK or JWK set: " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (JWK jwk : jwks) {
            entries.add(entry(jwk));
        }
        return new JwtKeys(entries);
    }

    /**
     * Keys from a JWK set file.
     *
     * @param file path of the JSON file
     * @return the key set
     * @throws IllegalArgumentException when the file cannot be read or a key is unusable
     */
    public static JwtKeys fromJwksFile(Path file) {
        try {
            return fromJwks(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("JWT_JWKS_FILE: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keys from JWKs already in memory, first signing key first.
     *
     * @param keys the keys
     * @return the key set
     */
    public static JwtKeys of(List<? extends JWK> keys) {
        List<Entry> entries = new ArrayList<>();
        for (JWK jwk : keys) {
            entries.add(entry(jwk));
        }
        return new JwtKeys(entries);
    }

    private static Entry entry(JWK jwk) {
        String kid = jwk.getKeyID();
        if (kid == null || kid.isBlank()) {
            throw new IllegalArgumentException("JWT keys: a " + jwk.getKeyType() + " key has no 'kid'; give every key an id");
        }
        Instant nbf = jwk.getNotBeforeTime() == null ? null : jwk.getNotBeforeTime().toInstant();
        Instant exp = jwk.getExpirationTime() == null ? null : jwk.getExpirationTime().toInstant();
        try {
            if (jwk instanceof OctetSequenceKey) {
                requireAlg(jwk, JWSAlgorithm.HS256);
                return hmacEntry(kid, ((OctetSequenceKey) jwk).toByteArray(), nbf, exp);
            }
            if (jwk instanceof ECKey) {
                ECKey ec = (ECKey) jwk;
                if (!Curve.P_256.equals(ec.getCurve())) {
                    throw new IllegalArgumentException("JWT keys: EC key '" + kid + "' is on " + ec.getCurve()
                            + "; only P-256 (ES256) is accepted");
                }
                requireAlg(jwk, JWSAlgorithm.ES256);
                return new Entry(kid, JWSAlgorithm.ES256, ec.isPrivate() ? new ECDSASigner(ec) : null,
                        new ECDSAVerifier(ec.toPublicJWK()), nbf, exp);
            }
            if (jwk instanceof RSAKey) {
                RSAKey rsa = (RSAKey) jwk;
                if (rsa.size() < 2048) {
                    throw new IllegalArgumentException("JWT keys: RSA key '" + kid + "' has " + rsa.size()
                            + " bits; at least 2048 are required");
                }
                requireAlg(jwk, JWSAlgorithm.RS256);
                return new Entry(kid, JWSAlgorithm.RS256, rsa.isPrivate() ? new RSASSASigner(rsa) : null,
                        new RSASSAVerifier(rsa.toPublicJWK()), nbf, exp);
            }
            if (jwk instanceof OctetKeyPair) {
                OctetKeyPair okp = (OctetKeyPair) jwk;
                if (!Curve.Ed25519.equals(okp.getCurve())) {
                    throw new IllegalArgumentException("JWT keys: OKP key '" + kid + "' is on " + okp.getCurve()
                            + "; only Ed25519 (EdDSA) is accepted");
                }
                requireAlg(jwk, JWSAlgorithm.EdDSA);
                return dev.bulwark.jwt.internal.EdDsa.entry(okp, (signer, verifier) ->
                        new Entry(kid, JWSAlgorithm.EdDSA, signer, verifier, nbf, exp));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWT keys: key '" + kid + "' is unusable: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("JWT keys: key '" + kid + "' has unsupported type " + jwk.getKeyType()
                + "; use oct (HS256), EC P-256 (ES256), OKP Ed25519 (EdDSA) or RSA (RS256)");
    }

    private static void requireAlg(JWK jwk, JWSAlgorithm expected) {
        if (jwk.getAlgorithm() != null && !expected.getName().equals(jwk.getAlgorithm().getName())) {
            throw new IllegalArgumentException("JWT keys: key '" + jwk.getKeyID() + "' declares alg "
                    + jwk.getAlgorithm() + " but a " + jwk.getKeyType() + " key is used with " + expected + " only");
        }
    }

    private static Entry hmacEntry(String kid, byte[] secret, Instant nbf, Instant exp) {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 32) {
            throw new IllegalArgumentException("JWT keys: HS256 secret '" + kid + "' has " + secret.length * 8
                    + " bits; at least 256 bits (32 bytes) are required — generate one with "
                    + "'openssl rand -base64 32'");
        }
        try {
            return new Entry(kid, JWSAlgorithm.HS256, new MACSigner(secret), new MACVerifier(secret), nbf, exp);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWT keys: HS256 secret '" + kid + "' is unusable: " + e.getMessage(), e);
        }
    }

    /**
     * Key id of the first key that can sign, whatever its validity dates; the key actually used
     * at a given time is {@link #signingKeyId(Instant)}.
     */
    public String currentKeyId() {
        return current.kid;
    }

    /** Algorithm of the current signing key. */
    public String currentAlgorithm() {
        return current.algorithm.getName();
    }

    /** All key ids, in configuration order. */
    public List<String> keyIds() {
        return List.copyOf(byKid.keySet());
    }

    /**
     * Key id of the key that signs new tokens at {@code now}: the first key that can sign and
     * whose JWK {@code nbf} / {@code exp} allow it then.
     *
     * @param now the time of signing
     * @return the key id, or empty when no signing key is valid at {@code now}
     */
    public Optional<String> signingKeyId(Instant now) {
        return signing(now).map(e -> e.kid);
    }

    Entry current() {
        return current;
    }

    /** The first signing key valid at {@code now}; an expired or not-yet-valid key never signs. */
    Optional<Entry> signing(Instant now) {
        for (Entry e : signers) {
            if (e.validAt(now)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * When signing would become impossible: the latest expiry among the signing keys valid at or
     * after {@code now}, or null when some signing key never expires.
     */
    Instant signingPossibleUntil(Instant now) {
        Instant latest = null;
        for (Entry e : signers) {
            if (e.expires == null) {
                return null;
            }
            if (!e.expires.isBefore(now) && (latest == null || e.expires.isAfter(latest))) {
                latest = e.expires;
            }
        }
        return latest == null ? now : latest;
    }

    /** Describes the signing keys and their dates, for error messages (no key material). */
    String describeSigners() {
        StringBuilder out = new StringBuilder();
        for (Entry e : signers) {
            out.append(out.length() == 0 ? "" : ", ").append(e.kid).append(" (nbf=")
                    .append(e.notBefore == null ? "-" : e.notBefore).append(", exp=")
                    .append(e.expires == null ? "-" : e.expires).append(')');
        }
        return out.toString();
    }

    Optional<Entry> find(String kid) {
        return Optional.ofNullable(kid == null ? null : byKid.get(kid));
    }

    @Override
    public String toString() {
        return "JwtKeys{current=" + current.kid + " (" + current.algorithm + "), kids=" + byKid.keySet() + "}";
    }
}
