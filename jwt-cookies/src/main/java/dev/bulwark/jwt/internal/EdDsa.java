package dev.bulwark.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.util.function.BiFunction;

/** Ed25519 through nimbus, which needs Tink on the classpath; a clear error when it is not. */
public final class EdDsa {
    private EdDsa() {
    }

    /**
     * Builds signer and verifier for an Ed25519 key.
     *
     * @param key the key (private part optional)
     * @param make receives the signer (null for a public key) and the verifier
     * @param <T> what {@code make} returns
     * @return what {@code make} returned
     * @throws JOSEException when nimbus refuses the key
     */
    public static <T> T entry(OctetKeyPair key, BiFunction<JWSSigner, JWSVerifier, T> make) throws JOSEException {
        try {
            Class.forName("com.google.crypto.tink.subtle.Ed25519Sign", false, EdDsa.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("JWT keys: Ed25519 key '" + key.getKeyID() + "' needs the dependency "
                    + "com.google.crypto.tink:tink on the classpath (nimbus signs EdDSA through it)", e);
        }
        JWSSigner signer = key.isPrivate() ? new Ed25519Signer(key) : null;
        return make.apply(signer, new Ed25519Verifier(key.toPublicJWK()));
    }
}
