package dev.bulwark.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/** Review 2026-11-27c: writes the wrapper texts of the compiled main (deadline-wrapper.py, warm-bootstrap.py) into DIR. */
public final class Dump {
    public static void main(String[] a) throws Exception {
        Files.writeString(Path.of(a[0], "deadline-wrapper.py"), DockerSandboxRuntime.DEADLINE_WRAPPER + "\n");
        Files.writeString(Path.of(a[0], "warm-bootstrap.py"), DockerSandboxRuntime.WARM_BOOTSTRAP + "\n");
    }
}
