package dev.bulwark.sandbox;

/**
 * Runs one request in isolation. {@link DockerSandboxRuntime} is the built-in one; another
 * runtime (a microVM, gVisor without Docker...) can implement this and be given to {@link Sandbox}.
 */
public interface SandboxRuntime extends AutoCloseable {

    /**
     * Runs a request to completion (or until its timeout) and cleans up whatever it created.
     *
     * @param request what to run
     * @return the result
     * @throws SandboxException when the runtime cannot run it (engine unreachable, unknown image...)
     */
    SandboxResult run(SandboxRequest request);

    /**
     * Checks the runtime can run anything at all.
     *
     * @throws SandboxException with the reason when it cannot
     */
    void check();

    /** Releases the runtime's resources. */
    @Override
    void close();
}
