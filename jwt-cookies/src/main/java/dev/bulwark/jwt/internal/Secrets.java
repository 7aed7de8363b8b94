package dev.bulwark.jwt.internal;

import dev.bulwark.core.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** Random values, SHA-256 and constant-time comparison. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** Returns 32 random bytes, base64url without padding. */
    public static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Returns 16 random bytes, base64url: ids (jti, family). */
    public static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Hashes a secret for storage or comparison (cookie fingerprints, cache keys).
     *
     * @param value text to hash
     * @return SHA-256 of its UTF-8 bytes, base64url without padding
     */
    public static String sha256(String value) {
        byte[] digest = Sha256.digest(value.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /**
     * Compares two secrets in time independent of where they differ.
     *
     * @param a one value
     * @param b another
     * @return whether they are equal, compared in time independent of where they differ
     */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
