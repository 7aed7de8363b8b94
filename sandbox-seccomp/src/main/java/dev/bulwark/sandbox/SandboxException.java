package dev.bulwark.sandbox;

/** The sandbox could not run a request; the message says what to fix. */
public class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message what went wrong and how to fix it
     */
    public SandboxException(String message) {
        super(message);
    }

    /**
     * Creates the failure with its cause.
     *
     * @param message what went wrong and how to fix it
     * @param cause the underlying failure
     */
    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
