package dev.bulwark.jwt;

import java.time.Duration;

/**
 * Thrown by {@link Argon2idPasswordHasher#hash} and {@link Argon2idPasswordHasher#verify} when as
 * many hashes as {@code JWT_ARGON2_MAX_CONCURRENT} allows are already being computed and none
 * finished within the wait: the password was not checked. {@link LoginGuard#attempt} answers it
 * with {@link LoginRefusal#BUSY} (503 and {@code Retry-After}) and does not count the attempt.
 */
public final class PasswordHasherBusyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param maxConcurrent the hashes allowed at once
     * @param waited how long the caller waited for one to finish
     */
    public PasswordHasherBusyException(int maxConcurrent, Duration waited) {
        super("password hasher busy: " + maxConcurrent + " hashes already running (JWT_ARGON2_MAX_CONCURRENT) and none "
                + "finished within " + waited.toMillis() + " ms (JWT_ARGON2_MAX_WAIT_MILLIS); answer 503 and retry");
    }
}
