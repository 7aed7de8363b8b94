package dev.bulwark.jwt;

import dev.bulwark.jwt.internal.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** How {@link LoginGuard} turns a user name or client address into the key its store sees. */
abstract class ThrottleKeys {

    /** Derives the key, base64url without padding. */
    abstract String key(String value);

    static ThrottleKeys sha256() {
        return new ThrottleKeys() {
            @Override
            String key(String value) {
                return Secrets.sha256(value);
            }
        };
    }

    static ThrottleKeys hmac(byte[] secret) {
        SecretKeySpec spec = new SecretKeySpec(secret, "HmacSHA256");
        return new ThrottleKeys() {
            @Override
            String key(String value) {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256"); // not thread-safe: one per call, next to an Argon2 check
                    mac.init(spec);
                    return Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
                }
            }
        };
    }
}
