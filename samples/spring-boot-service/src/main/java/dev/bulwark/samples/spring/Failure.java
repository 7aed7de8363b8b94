package dev.bulwark.samples.spring;

/** Thrown by handlers to answer with the contract's JSON error {@code {"error","message"}}. */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    final int status;
    /** The error code. */
    final String code;

    Failure(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }
}
