package dev.bulwark.sandbox;

/** All run slots and queue places are taken; try again later (HTTP 503 / 429). */
public final class SandboxBusyException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal.
     *
     * @param message how busy: slots and queue places taken
     */
    public SandboxBusyException(String message) {
        super(message);
    }
}
