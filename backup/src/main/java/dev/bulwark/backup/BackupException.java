package dev.bulwark.backup;

/** A backup, verification, restore or store operation failed; the message says what and what to do. */
public class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with a message that says what failed and how to fix it.
     *
     * @param message what failed and how to fix it
     */
    public BackupException(String message) {
        super(message);
    }

    /**
     * A failure with its message and underlying cause.
     *
     * @param message what failed and how to fix it
     * @param cause the underlying failure
     */
    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
