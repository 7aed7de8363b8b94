package dev.bulwark.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Limits and isolation of every run, secure by default; builder or {@code SANDBOX_*} variables.
 * Fixed (not configurable): no network, read-only root, all capabilities dropped,
 * no-new-privileges, swap = memory.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>variable</th><th>default</th><th>range</th></tr>
 *   <tr><td>{@code SANDBOX_IMAGE}</td><td>{@code bulwark/sandbox-python:3.11}</td><td>an image on the engine</td></tr>
 *   <tr><td>{@code SANDBOX_DOCKER_HOST} (else {@code DOCKER_HOST})</td><td>{@code unix:///var/run/docker.sock}</td><td></td></tr>
 *   <tr><td>{@code SANDBOX_PROFILE}</td><td>{@code strict}</td><td>strict, permissive or a JSON file path</td></tr>
 *   <tr><td>{@code SANDBOX_MEMORY_MB}</td><td>256</td><td>16..16384</td></tr>
 *   <tr><td>{@code SANDBOX_CPUS}</td><td>1.0</td><td>0.1..64</td></tr>
 *   <tr><td>{@code SANDBOX_PIDS}</td><td>64</td><td>8..4096</td></tr>
 *   <tr><td>{@code SANDBOX_TIMEOUT_SECONDS}</td><td>10</td><td>1..3600</td></tr>
 *   <tr><td>{@code SANDBOX_TMPFS_MB}</td><td>64</td><td>1..4096 (/tmp + /dev/shm)</td></tr>
 *   <tr><td>{@code SANDBOX_OUTPUT_LIMIT_BYTES}</td><td>1048576</td><td>1 KiB..64 MiB, per stream</td></tr>
 *   <tr><td>{@code SANDBOX_FILE_SIZE_MB}</td><td>16</td><td>1..4096 (ulimit fsize)</td></tr>
 *   <tr><td>{@code SANDBOX_NOFILE}</td><td>256</td><td>16..65536 (ulimit nofile)</td></tr>
 *   <tr><td>{@code SANDBOX_USER}</td><td>{@code 10001:10001}</td><td>numeric uid:gid, each 1..2147483647 (never 0, nor a name)</td></tr>
 *   <tr><td>{@code SANDBOX_RUNTIME}</td><td>engine default</td><td>OCI runtime name, e.g. runsc</td></tr>
 *   <tr><td>{@code SANDBOX_MAX_CONCURRENT}</td><td>cores</td><td>1..256</td></tr>
 *   <tr><td>{@code SANDBOX_QUEUE}</td><td>16</td><td>0..10000 waiting runs</td></tr>
 *   <tr><td>{@code SANDBOX_DOCKER_CERT_PATH}</td><td>unset ({@code DOCKER_CERT_PATH} with
 *       {@code DOCKER_TLS_VERIFY=1})</td><td>ca.pem, cert.pem, key.pem of a TLS {@code tcp://} engine</td></tr>
 *   <tr><td>{@code SANDBOX_WARM_POOL}</td><td>0</td><td>0..64 pre-created containers (python3 images)</td></tr>
 * </table>
 *
 * @param image image to run
 * @param dockerHost engine address
 * @param profile seccomp profile
 * @param memoryBytes memory limit (swap equal)
 * @param cpus CPU quota in cores
 * @param pids process/thread limit
 * @param timeout default wall-clock limit
 * @param tmpfsBytes writable tmpfs budget: /tmp plus /dev/shm (1 MiB, or a quarter of a smaller budget)
 * @param outputLimitBytes cap per output stream
 * @param fileSizeBytes ulimit on file size
 * @param openFiles ulimit on open files
 * @param user numeric uid:gid, neither 0 (kept in canonical decimal form)
 * @param runtime OCI runtime name or null
 * @param maxConcurrent concurrent runs
 * @param queue runs allowed to wait for a slot
 * @param warmPool pre-created containers kept ready (0 = off; needs python3 in the image)
 * @param tlsCertPath directory with {@code ca.pem}, {@code cert.pem}, {@code key.pem} for a
 *     TLS-protected {@code tcp://} engine, or null
 */
public record SandboxSettings(String image, String dockerHost, SeccompProfile profile, long memoryBytes, double cpus, long pids,
        Duration timeout, long tmpfsBytes, int outputLimitBytes, long fileSizeBytes, long openFiles, String user,
        String runtime, int maxConcurrent, int queue, int warmPool, String tlsCertPath) {

    private static final long MB = 1024L * 1024;

    /** Validates every field. */
    public SandboxSettings {
        requireText(image, "image (SANDBOX_IMAGE)");
        requireText(dockerHost, "dockerHost (SANDBOX_DOCKER_HOST)");
        Objects.requireNonNull(profile, "profile (SANDBOX_PROFILE)");
        range("memory (SANDBOX_MEMORY_MB)", memoryBytes / MB, 16, 16_384);
        if (!(cpus >= 0.1 && cpus <= 64)) {
            throw new IllegalArgumentException("cpus (SANDBOX_CPUS) must be 0.1..64, got " + cpus);
        }
        range("pids (SANDBOX_PIDS)", pids, 8, 4096);
        Objects.requireNonNull(timeout, "timeout");
        range("timeout (SANDBOX_TIMEOUT_SECONDS)", timeout.toSeconds(), 1, 3600);
        range("tmpfs (SANDBOX_TMPFS_MB)", tmpfsBytes / MB, 1, 4096);
        range("output limit (SANDBOX_OUTPUT_LIMIT_BYTES)", outputLimitBytes, 1024, 64 * MB);
        range("file size (SANDBOX_FILE_SIZE_MB)", fileSizeBytes / MB, 1, 4096);
        range("open files (SANDBOX_NOFILE)", openFiles, 16, 65_536);
        user = nonRootUser(user);
        if (runtime != null && !runtime.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("runtime (SANDBOX_RUNTIME) must be an OCI runtime name such as runsc, got '"
                    + runtime + "'");
        }
        range("max concurrent (SANDBOX_MAX_CONCURRENT)", maxConcurrent, 1, 256);
        range("queue (SANDBOX_QUEUE)", queue, 0, 10_000);
        range("warm pool (SANDBOX_WARM_POOL)", warmPool, 0, 64);
        if (tlsCertPath != null) {
            if (!dockerHost.startsWith("tcp://")) {
                throw new IllegalArgumentException("TLS certificates (SANDBOX_DOCKER_CERT_PATH) need a tcp:// engine"
                        + " (SANDBOX_DOCKER_HOST), got '" + dockerHost + "'");
            }
            for (String f : new String[] {"ca.pem", "cert.pem", "key.pem"}) {
                if (!java.nio.file.Files.isReadable(Path.of(tlsCertPath, f))) {
                    throw new IllegalArgumentException("TLS certificate directory (SANDBOX_DOCKER_CERT_PATH / "
                            + "DOCKER_CERT_PATH) '" + tlsCertPath + "' has no readable " + f);
                }
            }
        }
    }

    /** The secure defaults. */
    public static SandboxSettings defaults() {
        return fromEnvironment(Map.of());
    }

    /** @return settings from the process environment (a JVM system property of the same name wins) */
    public static SandboxSettings fromEnvironment() {
        Map<String, String> values = new HashMap<>(System.getenv());
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("SANDBOX_")) {
                values.put(name, System.getProperty(name));
            }
        }
        return fromEnvironment(values);
    }

    /**
     * @param env variables
     * @return the settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static SandboxSettings fromEnvironment(Map<String, String> env) {
        String profileName = get(env, "SANDBOX_PROFILE", "strict");
        SeccompProfile profile = switch (profileName) {
            case "strict" -> SeccompProfile.strict();
            case "permissive" -> SeccompProfile.permissive();
            default -> SeccompProfile.load(Path.of(profileName));
        };
        String host = get(env, "SANDBOX_DOCKER_HOST", get(env, "DOCKER_HOST", "unix:///var/run/docker.sock"));
        return new SandboxSettings(get(env, "SANDBOX_IMAGE", "bulwark/sandbox-python:3.11"), host, profile,
                number(env, "SANDBOX_MEMORY_MB", 256) * MB, decimal(env, "SANDBOX_CPUS", 1.0), number(env, "SANDBOX_PIDS", 64),
                Duration.ofSeconds(number(env, "SANDBOX_TIMEOUT_SECONDS", 10)), number(env, "SANDBOX_TMPFS_MB", 64) * MB,
                (int) number(env, "SANDBOX_OUTPUT_LIMIT_BYTES", 1024 * 1024), number(env, "SANDBOX_FILE_SIZE_MB", 16) * MB,
                number(env, "SANDBOX_NOFILE", 256), get(env, "SANDBOX_USER", "10001:10001"), env.get("SANDBOX_RUNTIME"),
                (int) number(env, "SANDBOX_MAX_CONCURRENT", Runtime.getRuntime().availableProcessors()),
                (int) number(env, "SANDBOX_QUEUE", 16), (int) number(env, "SANDBOX_WARM_POOL", 0), tlsCertPath(env));
    }

    /**
     * A copy with other limits, for tests and per-workload tuning.
     *
     * @param memory memory limit
     * @param pidLimit pids limit
     * @param wallClock timeout
     * @param outputCap output cap per stream
     * @return the copy
     */
    public SandboxSettings withLimits(long memory, long pidLimit, Duration wallClock, int outputCap) {
        return new SandboxSettings(image, dockerHost, profile, memory, cpus, pidLimit, wallClock, tmpfsBytes, outputCap,
                fileSizeBytes, openFiles, user, runtime, maxConcurrent, queue, warmPool, tlsCertPath);
    }

    /**
     * A copy with another image / profile / concurrency.
     *
     * @param otherImage image
     * @param otherProfile profile
     * @param concurrent max concurrent runs
     * @param waiting queue length
     * @return the copy
     */
    public SandboxSettings with(String otherImage, SeccompProfile otherProfile, int concurrent, int waiting) {
        return new SandboxSettings(otherImage, dockerHost, otherProfile, memoryBytes, cpus, pids, timeout, tmpfsBytes,
                outputLimitBytes, fileSizeBytes, openFiles, user, runtime, concurrent, waiting, warmPool, tlsCertPath);
    }

    /**
     * A copy with a warm pool: {@code size} containers created and started ahead of time with
     * every limit applied (their bootstrap waits on stdin), each used for exactly one run and then
     * removed (never reused). Inputs then travel
     * on stdin to a small python3 bootstrap that unpacks them into {@code /tmp} (the capped tmpfs,
     * also the working directory) and execs the command, so the image must have {@code python3}.
     *
     * @param size containers kept ready (0 = off)
     * @return the copy
     */
    public SandboxSettings withWarmPool(int size) {
        return new SandboxSettings(image, dockerHost, profile, memoryBytes, cpus, pids, timeout, tmpfsBytes,
                outputLimitBytes, fileSizeBytes, openFiles, user, runtime, maxConcurrent, queue, size, tlsCertPath);
    }

    /**
     * SANDBOX_DOCKER_CERT_PATH, or Docker's own DOCKER_TLS_VERIFY=1 + DOCKER_CERT_PATH when the
     * engine comes from DOCKER_HOST (as the docker CLI reads them).
     */
    private static String tlsCertPath(Map<String, String> env) {
        String own = env.get("SANDBOX_DOCKER_CERT_PATH");
        if (own != null && !own.isBlank()) {
            return own.trim();
        }
        boolean fromDockerHost = blank(env.get("SANDBOX_DOCKER_HOST")) && !blank(env.get("DOCKER_HOST"));
        if (fromDockerHost && "1".equals(env.get("DOCKER_TLS_VERIFY")) && !blank(env.get("DOCKER_CERT_PATH"))) {
            return env.get("DOCKER_CERT_PATH").trim();
        }
        return null;
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'", e);
        }
    }

    private static double decimal(Map<String, String> env, String name, double fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'", e);
        }
    }

    /**
     * Parses uid:gid numerically and refuses root in any spelling ({@code 0}, {@code 00}, a name
     * such as {@code root}): the canonical decimal form is what the engine gets.
     */
    private static String nonRootUser(String user) {
        String fix = "user (SANDBOX_USER) must be a numeric uid:gid, each 1.." + Integer.MAX_VALUE
                + ", such as 10001:10001 (names and uid or gid 0 in any spelling are refused), got '" + user + "'";
        if (user == null || !user.matches("[0-9]{1,10}:[0-9]{1,10}")) {
            throw new IllegalArgumentException(fix);
        }
        int colon = user.indexOf(':');
        long uid = Long.parseLong(user.substring(0, colon));
        long gid = Long.parseLong(user.substring(colon + 1));
        if (uid < 1 || gid < 1 || uid > Integer.MAX_VALUE || gid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(fix);
        }
        return uid + ":" + gid;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    private static void range(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + value);
        }
    }
}
