package dev.bulwark.sandbox;

/**
 * The whole of {@link SandboxIT} (the strategy, the escape suite, the limits) under gVisor:
 * {@code SANDBOX_RUNTIME=runsc}, registered with {@code --oci-seccomp} so that the strict profile
 * is enforced by gVisor as well. Skipped with the reason when the engine has no runsc.
 */
class SandboxRunscIT extends SandboxIT {

    @Override
    String runtime() {
        return Runtimes.RUNSC;
    }
}
