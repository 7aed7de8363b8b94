package dev.bulwark.sandbox;

/** All run slots and queue places are taken; try again later (HTTP 503 / 429). */
public final class SandboxBusyException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /** @param message how busy */
    public SandboxBusyException(String message) {
        super(message);
    }
}
