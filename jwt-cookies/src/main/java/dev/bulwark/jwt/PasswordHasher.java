package dev.bulwark.jwt;

/**
 * Hashes and verifies passwords, for services that keep their own users. The built-in
 * implementation is {@link Argon2idPasswordHasher}; encoded hashes are self-describing strings
 * (the PHC string format) that carry their algorithm, parameters and salt.
 *
 * <pre>{@code
 * PasswordHasher hasher = Argon2idPasswordHasher.ofDefaults();
 * String stored = hasher.hash("correct horse");                  // $argon2id$v=19$m=19456,t=2,p=1$...
 * boolean ok = hasher.verify("correct horse", stored);           // constant-time comparison
 * if (ok && hasher.needsRehash(stored)) { store(hasher.hash("correct horse")); }
 * }</pre>
 */
public interface PasswordHasher {

    /**
     * Hashes a password with a fresh random salt and the current parameters.
     *
     * @param password the password
     * @return the encoded hash, safe to store
     */
    String hash(CharSequence password);

    /**
     * Checks a password against a stored hash in constant time. When {@code encoded} is null (an
     * unknown user name), a dummy hash with the current parameters is checked instead and the
     * answer is false, so that unknown and known user names take the same time.
     *
     * @param password the password presented
     * @param encoded the stored hash, or null for an unknown user
     * @return true only when the password matches
     * @throws IllegalArgumentException when {@code encoded} is not a hash this hasher reads (never
     *     answered as a match)
     */
    boolean verify(CharSequence password, String encoded);

    /**
     * Whether a stored hash was made with other parameters than the current ones, so it should
     * be replaced by {@link #hash} after the next successful {@link #verify}.
     *
     * @param encoded the stored hash
     * @return true when it should be re-hashed
     * @throws IllegalArgumentException when {@code encoded} is not a hash this hasher reads
     */
    boolean needsRehash(String encoded);
}
