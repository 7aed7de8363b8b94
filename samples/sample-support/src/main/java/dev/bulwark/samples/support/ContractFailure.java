package dev.bulwark.samples.support;

import java.util.Map;

/** A contract error: the HTTP status and the JSON {@code {"error": code, "message": message}} to answer with. */
public final class ContractFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    /**
     * An error answer.
     *
     * @param status the HTTP status
     * @param code the stable error code
     * @param message the human text (never a secret, never a stack trace)
     */
    public ContractFailure(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
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
