package dev.bulwark.samples.support;

import java.util.Map;

/** A contract error: the HTTP status and the JSON {@code {"error": code, "message": message}} to answer with. */
public final class ContractFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    /**
     * An error answer.
     *
     * @param status the HTTP status
     * @param code the stable error code
     * @param message the human text (never a secret, never a stack trace)
     */
    public ContractFailure(int status, String code, String message) {
        this(status, code, message, 0);
    }

    /**
     * An error answer that tells the client when to try again.
     *
     * @param status the HTTP status (429 or 503)
     * @param code the stable error code
     * @param message the human text (never a secret, never a stack trace)
     * @param retryAfterSeconds the {@code Retry-After} header's value; 0 for none
     */
    public ContractFailure(int status, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The {@code Retry-After} header's value in seconds, or 0 when the answer carries none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The error code. */
    public String code() {
        return code;
    }

    /** The JSON body as a map. */
    public Map<String, Object> body() {
        return Map.of("error", code, "message", String.valueOf(getMessage()));
    }
}
