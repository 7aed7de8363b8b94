package dev.bulwark.sandbox;

import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs untrusted code: a bounded number of runs at once (default = cores) with a bounded wait
 * queue; overflow is a {@link SandboxBusyException}, never an unbounded pile-up.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.docker(SandboxSettings.fromEnvironment())) {
 *     SandboxResult r = sandbox.run(SandboxRequest.python("print(sum(range(10)))", ""));
 *     r.stdout();   // "45\n"
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {

    private final SandboxRuntime runtime;
    private final Semaphore slots;
    private final int queue;
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param runtime where runs happen
     * @param maxConcurrent runs at once
     * @param queue runs allowed to wait for a slot
     */
    public Sandbox(SandboxRuntime runtime, int maxConcurrent, int queue) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.slots = new Semaphore(maxConcurrent, true);
        this.queue = queue;
    }

    /**
     * The Docker sandbox; checks the engine and the image now.
     *
     * @param settings limits and image
     * @return the sandbox
     * @throws SandboxException when the engine is unreachable or the image missing (the message says how to fix it)
     */
    public static Sandbox docker(SandboxSettings settings) {
        DockerSandboxRuntime runtime = new DockerSandboxRuntime(settings);
        try {
            runtime.check();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return new Sandbox(runtime, settings.maxConcurrent(), settings.queue());
    }

    /**
     * Runs a request, waiting for a slot if all are busy and the queue has room.
     *
     * @param request what to run
     * @return the result
     * @throws SandboxBusyException when every slot and queue place is taken
     */
    public SandboxResult run(SandboxRequest request) {
        Objects.requireNonNull(request, "request");
        if (!slots.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                throw new SandboxBusyException("sandbox busy: all run slots and " + queue + " queue places are taken");
            }
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for a sandbox slot", e);
            } finally {
                waiting.decrementAndGet();
            }
        }
        try {
            return runtime.run(request);
        } finally {
            slots.release();
        }
    }

    @Override
    public void close() {
        runtime.close();
    }
}
