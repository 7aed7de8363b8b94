package dev.bulwark.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, which every JDK has, without the checked exception of {@code MessageDigest.getInstance}. */
public final class Sha256 {
    private Sha256() {
    }

    /**
     * A new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The digest of some bytes.
     *
     * @param data the bytes
     * @return the 32-byte digest
     */
    public static byte[] digest(byte[] data) {
        return newDigest().digest(data);
    }

    /**
     * The digest of a string's UTF-8 bytes, as lower-case hex.
     *
     * @param text the string
     * @return 64 hex digits
     */
    public static String hex(String text) {
        return HexFormat.of().formatHex(digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The digest of some bytes, as lower-case hex.
     *
     * @param data the bytes
     * @return 64 hex digits
     */
    public static String hex(byte[] data) {
        return HexFormat.of().formatHex(digest(data));
    }
}
