package dev.bulwark.sandbox;

import dev.bulwark.core.internal.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable limits and isolation of every sandbox run, secure by default. Build them with
 * {@link #builder()} or read them with {@link #fromEnvironment()} ({@code SANDBOX_*} variables).
 * Fixed (not configurable): no network, read-only root, all capabilities dropped,
 * no-new-privileges, swap = memory, an init as PID 1, core dumps and locked memory off.
 *
 * <p>Every value is validated when the settings are built; an error names the setting, its
 * environment variable, the bad value and the accepted range.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>variable</th><th>default</th><th>range</th></tr>
 *   <tr><td>{@code SANDBOX_IMAGE}</td><td>{@code bulwark/sandbox-python:3.11}</td><td>an image on the engine</td></tr>
 *   <tr><td>{@code SANDBOX_DOCKER_HOST} (else {@code DOCKER_HOST})</td><td>{@code unix:///var/run/docker.sock}</td><td>{@code unix://} or {@code tcp://}</td></tr>
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
 *   <tr><td>{@code SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3}</td><td>false</td><td>true accepts an image without
 *       python3: no start-up canary and no in-container deadline</td></tr>
 * </table>
 *
 * <pre>{@code
 * SandboxSettings settings = SandboxSettings.builder()
 *     .memoryBytes(128L * 1024 * 1024).pids(32).timeout(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 */
public final class SandboxSettings {

    private static final long MIB = 1024L * 1024;
    private static final String STRICT_JSON = SeccompProfile.strict().toJson();
    private static final String PERMISSIVE_JSON = SeccompProfile.permissive().toJson();

    /** Default image ({@code SANDBOX_IMAGE}). */
    public static final String DEFAULT_IMAGE = "bulwark/sandbox-python:3.11";
    /** Default engine address ({@code SANDBOX_DOCKER_HOST}, else {@code DOCKER_HOST}). */
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
    /** Default memory limit, swap equal: 256 MiB ({@code SANDBOX_MEMORY_MB}). */
    public static final long DEFAULT_MEMORY_BYTES = 256 * MIB;
    /** Default CPU quota in cores ({@code SANDBOX_CPUS}). */
    public static final double DEFAULT_CPUS = 1.0;
    /** Default process/thread limit ({@code SANDBOX_PIDS}). */
    public static final long DEFAULT_PIDS = 64;
    /** Default wall-clock limit of a run ({@code SANDBOX_TIMEOUT_SECONDS}). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Default writable tmpfs budget, /tmp plus /dev/shm: 64 MiB ({@code SANDBOX_TMPFS_MB}). */
    public static final long DEFAULT_TMPFS_BYTES = 64 * MIB;
    /** Default cap per output stream: 1 MiB ({@code SANDBOX_OUTPUT_LIMIT_BYTES}). */
    public static final int DEFAULT_OUTPUT_LIMIT_BYTES = 1024 * 1024;
    /** Default ulimit on file size: 16 MiB ({@code SANDBOX_FILE_SIZE_MB}). */
    public static final long DEFAULT_FILE_SIZE_BYTES = 16 * MIB;
    /** Default ulimit on open files ({@code SANDBOX_NOFILE}). */
    public static final long DEFAULT_OPEN_FILES = 256;
    /** Default numeric uid:gid of the sandboxed program ({@code SANDBOX_USER}). */
    public static final String DEFAULT_USER = "10001:10001";
    /** Default number of concurrent runs: the cores of this machine, at most 256 ({@code SANDBOX_MAX_CONCURRENT}). */
    public static final int DEFAULT_MAX_CONCURRENT = Math.min(256, Runtime.getRuntime().availableProcessors());
    /** Default number of runs allowed to wait for a slot ({@code SANDBOX_QUEUE}). */
    public static final int DEFAULT_QUEUE = 16;
    /** Default: an image without python3 is refused ({@code SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3}). */
    public static final boolean DEFAULT_ALLOW_IMAGE_WITHOUT_PYTHON3 = false;
    /** Default warm pool size: off ({@code SANDBOX_WARM_POOL}). */
    public static final int DEFAULT_WARM_POOL = 0;

    private final String image;
    private final String dockerHost;
    private final SeccompProfile profile;
    private final String profileName;
    private final long memoryBytes;
    private final double cpus;
    private final long pids;
    private final Duration timeout;
    private final long tmpfsBytes;
    private final int outputLimitBytes;
    private final long fileSizeBytes;
    private final long openFiles;
    private final String user;
    private final String runtime;
    private final int maxConcurrent;
    private final int queue;
    private final int warmPool;
    private final String tlsCertPath;
    private final boolean allowImageWithoutPython3;

    private SandboxSettings(Builder b, String canonicalUser) {
        this.image = b.image;
        this.dockerHost = b.dockerHost;
        this.profile = b.profile;
        this.profileName = b.profileName;
        this.memoryBytes = b.memoryBytes;
        this.cpus = b.cpus;
        this.pids = b.pids;
        this.timeout = b.timeout;
        this.tmpfsBytes = b.tmpfsBytes;
        this.outputLimitBytes = b.outputLimitBytes;
        this.fileSizeBytes = b.fileSizeBytes;
        this.openFiles = b.openFiles;
        this.user = canonicalUser;
        this.runtime = b.runtime;
        this.maxConcurrent = b.maxConcurrent;
        this.queue = b.queue;
        this.warmPool = b.warmPool;
        this.tlsCertPath = b.tlsCertPath;
        this.allowImageWithoutPython3 = b.allowImageWithoutPython3;
    }

    /**
     * Starts a builder with every default set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the secure defaults, without reading the environment.
     *
     * @return the default settings
     */
    public static SandboxSettings defaults() {
        return builder().build();
    }

    /**
     * Starts a builder holding these settings, to derive a variant.
     *
     * @return a new builder with every value of this instance
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.image = image;
        b.dockerHost = dockerHost;
        b.profile = profile;
        b.profileName = profileName;
        b.memoryBytes = memoryBytes;
        b.cpus = cpus;
        b.pids = pids;
        b.timeout = timeout;
        b.tmpfsBytes = tmpfsBytes;
        b.outputLimitBytes = outputLimitBytes;
        b.fileSizeBytes = fileSizeBytes;
        b.openFiles = openFiles;
        b.user = user;
        b.runtime = runtime;
        b.maxConcurrent = maxConcurrent;
        b.queue = queue;
        b.warmPool = warmPool;
        b.tlsCertPath = tlsCertPath;
        b.allowImageWithoutPython3 = allowImageWithoutPython3;
        return b;
    }

    /**
     * Reads the settings from the process environment ({@code SANDBOX_*}, plus Docker's own
     * {@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}); a JVM system
     * property of the same name wins. Unset variables keep their defaults.
     *
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static SandboxSettings fromEnvironment() {
        return fromEnvironment(Env.system("SANDBOX_", "DOCKER_"));
    }

    /**
     * Reads the settings from the given variables (same names as {@link #fromEnvironment()}).
     *
     * @param env variable name to value; absent or blank means unset
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static SandboxSettings fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Env r = Env.of(env);
        Builder b = builder();
        r.string("SANDBOX_IMAGE").ifPresent(b::image);
        Optional<String> ownHost = r.string("SANDBOX_DOCKER_HOST");
        Optional<String> dockerHost = r.string("DOCKER_HOST");
        ownHost.or(() -> dockerHost).ifPresent(b::dockerHost);
        r.string("SANDBOX_PROFILE").ifPresent(name -> {
            switch (name) {
                case "strict" -> b.profile(SeccompProfile.strict());
                case "permissive" -> b.profile(SeccompProfile.permissive());
                default -> {
                    Path file = r.path("SANDBOX_PROFILE").orElseThrow();
                    b.profile(r.parsed("SANDBOX_PROFILE", v -> SeccompProfile.load(file)).orElseThrow());
                    b.profileName = "file " + file;
                }
            }
        });
        r.longValue("SANDBOX_MEMORY_MB", 16, 16_384).ifPresent(mb -> b.memoryBytes(mb * MIB));
        r.decimal("SANDBOX_CPUS").ifPresent(b::cpus);
        r.integer("SANDBOX_PIDS").ifPresent(b::pids);
        r.duration("SANDBOX_TIMEOUT_SECONDS", ChronoUnit.SECONDS).ifPresent(b::timeout);
        r.longValue("SANDBOX_TMPFS_MB", 1, 4096).ifPresent(mb -> b.tmpfsBytes(mb * MIB));
        r.integer("SANDBOX_OUTPUT_LIMIT_BYTES").ifPresent(b::outputLimitBytes);
        r.longValue("SANDBOX_FILE_SIZE_MB", 1, 4096).ifPresent(mb -> b.fileSizeBytes(mb * MIB));
        r.integer("SANDBOX_NOFILE").ifPresent(b::openFiles);
        r.string("SANDBOX_USER").ifPresent(b::user);
        r.string("SANDBOX_RUNTIME").ifPresent(b::runtime);
        r.integer("SANDBOX_MAX_CONCURRENT").ifPresent(b::maxConcurrent);
        r.integer("SANDBOX_QUEUE").ifPresent(b::queue);
        r.integer("SANDBOX_WARM_POOL").ifPresent(b::warmPool);
        r.bool("SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3").ifPresent(b::allowImageWithoutPython3);
        Optional<String> ownCerts = r.string("SANDBOX_DOCKER_CERT_PATH");
        if (ownCerts.isPresent()) {
            b.tlsCertPath(ownCerts.get());
        } else if (ownHost.isEmpty() && dockerHost.isPresent() && "1".equals(r.string("DOCKER_TLS_VERIFY", ""))) {
            // Docker's own variables, read as the docker CLI reads them
            r.string("DOCKER_CERT_PATH").ifPresent(b::tlsCertPath);
        }
        return b.build();
    }

    /**
     * Returns the image every run uses.
     *
     * @return the image reference ({@code SANDBOX_IMAGE})
     */
    public String image() {
        return image;
    }

    /**
     * Returns the engine's address.
     *
     * @return a {@code unix://} or {@code tcp://} URL ({@code SANDBOX_DOCKER_HOST})
     */
    public String dockerHost() {
        return dockerHost;
    }

    /**
     * Returns the seccomp profile applied to every run.
     *
     * @return the profile ({@code SANDBOX_PROFILE})
     */
    public SeccompProfile profile() {
        return profile;
    }

    /**
     * Returns the memory limit; swap is limited to the same value, so nothing is swapped out.
     *
     * @return bytes ({@code SANDBOX_MEMORY_MB})
     */
    public long memoryBytes() {
        return memoryBytes;
    }

    /**
     * Returns the CPU quota.
     *
     * @return cores ({@code SANDBOX_CPUS})
     */
    public double cpus() {
        return cpus;
    }

    /**
     * Returns the limit on processes and threads inside one run.
     *
     * @return the pids limit ({@code SANDBOX_PIDS})
     */
    public long pids() {
        return pids;
    }

    /**
     * Returns the wall-clock limit of a run whose request sets none.
     *
     * @return the default timeout ({@code SANDBOX_TIMEOUT_SECONDS})
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Returns the writable tmpfs budget, {@code /tmp} and {@code /dev/shm} together ({@code /dev/shm}
     * gets 1 MiB, or a quarter of a smaller budget).
     *
     * @return bytes ({@code SANDBOX_TMPFS_MB})
     */
    public long tmpfsBytes() {
        return tmpfsBytes;
    }

    /**
     * Returns the cap on each output stream kept in the result.
     *
     * @return bytes per stream ({@code SANDBOX_OUTPUT_LIMIT_BYTES})
     */
    public int outputLimitBytes() {
        return outputLimitBytes;
    }

    /**
     * Returns the ulimit on the size of a file the program writes.
     *
     * @return bytes ({@code SANDBOX_FILE_SIZE_MB})
     */
    public long fileSizeBytes() {
        return fileSizeBytes;
    }

    /**
     * Returns the ulimit on open files.
     *
     * @return the limit ({@code SANDBOX_NOFILE})
     */
    public long openFiles() {
        return openFiles;
    }

    /**
     * Returns the numeric uid:gid the program runs as, in canonical decimal form, never 0.
     *
     * @return uid:gid ({@code SANDBOX_USER})
     */
    public String user() {
        return user;
    }

    /**
     * Returns the OCI runtime the engine should use instead of its default.
     *
     * @return the runtime name ({@code SANDBOX_RUNTIME}), empty for the engine's default
     */
    public Optional<String> runtime() {
        return Optional.ofNullable(runtime);
    }

    /**
     * Returns how many runs may happen at once.
     *
     * @return the limit ({@code SANDBOX_MAX_CONCURRENT})
     */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /**
     * Returns how many runs may wait for a slot before further ones are refused as busy.
     *
     * @return the queue length ({@code SANDBOX_QUEUE})
     */
    public int queue() {
        return queue;
    }

    /**
     * Returns how many containers are created and started ahead of time, each used for exactly
     * one run and then removed (never reused). Their inputs travel on stdin to a small python3
     * bootstrap that unpacks them into {@code /tmp} and runs the command, so the image must have
     * {@code python3}.
     *
     * @return the warm pool size, 0 when off ({@code SANDBOX_WARM_POOL})
     */
    public int warmPool() {
        return warmPool;
    }

    /**
     * Returns whether an image without {@code python3} is accepted. Such an image cannot run the
     * start-up canary (so nothing proves the seccomp filter is in force) nor the in-container
     * deadline (a run whose JVM dies then lasts until its CPU-time limit or its lease); by default
     * {@code check()} refuses it.
     *
     * @return true to accept it anyway ({@code SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3}, default false)
     */
    public boolean allowImageWithoutPython3() {
        return allowImageWithoutPython3;
    }

    /**
     * Returns the directory with {@code ca.pem}, {@code cert.pem} and {@code key.pem} of a
     * TLS-protected {@code tcp://} engine.
     *
     * @return the directory ({@code SANDBOX_DOCKER_CERT_PATH}), empty for a Unix socket
     */
    public Optional<String> tlsCertPath() {
        return Optional.ofNullable(tlsCertPath);
    }

    /**
     * Describes the settings as name/value pairs for logs and health output; nothing in them is
     * secret (the TLS directory is a path, its keys are never read here).
     *
     * @return the settings, in a stable order
     */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", image);
        out.put("dockerHost", dockerHost);
        out.put("profile", profileName);
        out.put("memoryBytes", memoryBytes);
        out.put("cpus", cpus);
        out.put("pids", pids);
        out.put("timeoutMs", timeout.toMillis());
        out.put("tmpfsBytes", tmpfsBytes);
        out.put("outputLimitBytes", outputLimitBytes);
        out.put("fileSizeBytes", fileSizeBytes);
        out.put("openFiles", openFiles);
        out.put("user", user);
        out.put("runtime", runtime == null ? "engine default" : runtime);
        out.put("maxConcurrent", maxConcurrent);
        out.put("queue", queue);
        out.put("warmPool", warmPool);
        out.put("tls", tlsCertPath != null);
        out.put("allowImageWithoutPython3", allowImageWithoutPython3);
        return out;
    }

    /**
     * Describes the settings (see {@link #describe()}).
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return "SandboxSettings" + describe();
    }

    /** Builds {@link SandboxSettings}; every value is validated in {@link #build()}. */
    public static final class Builder {
        private String image = DEFAULT_IMAGE;
        private String dockerHost = DEFAULT_DOCKER_HOST;
        private SeccompProfile profile = SeccompProfile.strict();
        private String profileName = "strict";
        private long memoryBytes = DEFAULT_MEMORY_BYTES;
        private double cpus = DEFAULT_CPUS;
        private long pids = DEFAULT_PIDS;
        private Duration timeout = DEFAULT_TIMEOUT;
        private long tmpfsBytes = DEFAULT_TMPFS_BYTES;
        private int outputLimitBytes = DEFAULT_OUTPUT_LIMIT_BYTES;
        private long fileSizeBytes = DEFAULT_FILE_SIZE_BYTES;
        private long openFiles = DEFAULT_OPEN_FILES;
        private String user = DEFAULT_USER;
        private String runtime;
        private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
        private int queue = DEFAULT_QUEUE;
        private int warmPool = DEFAULT_WARM_POOL;
        private String tlsCertPath;
        private boolean allowImageWithoutPython3 = DEFAULT_ALLOW_IMAGE_WITHOUT_PYTHON3;

        private Builder() {
        }

        /**
         * Sets the image every run uses.
         *
         * @param image an image on the engine ({@code SANDBOX_IMAGE})
         * @return this builder
         */
        public Builder image(String image) {
            this.image = image;
            return this;
        }

        /**
         * Sets the engine's address.
         *
         * @param dockerHost {@code unix://...} or {@code tcp://host:port} ({@code SANDBOX_DOCKER_HOST})
         * @return this builder
         */
        public Builder dockerHost(String dockerHost) {
            this.dockerHost = dockerHost;
            return this;
        }

        /**
         * Sets the seccomp profile.
         *
         * @param profile the profile, such as {@link SeccompProfile#strict()} ({@code SANDBOX_PROFILE})
         * @return this builder
         */
        public Builder profile(SeccompProfile profile) {
            this.profile = profile;
            this.profileName = profile == null ? null : profile.toJson().equals(STRICT_JSON) ? "strict"
                    : profile.toJson().equals(PERMISSIVE_JSON) ? "permissive" : "custom";
            return this;
        }

        /**
         * Sets the memory limit (swap equal).
         *
         * @param bytes 16 MiB to 16 GiB ({@code SANDBOX_MEMORY_MB})
         * @return this builder
         */
        public Builder memoryBytes(long bytes) {
            this.memoryBytes = bytes;
            return this;
        }

        /**
         * Sets the CPU quota.
         *
         * @param cores 0.1 to 64 ({@code SANDBOX_CPUS})
         * @return this builder
         */
        public Builder cpus(double cores) {
            this.cpus = cores;
            return this;
        }

        /**
         * Sets the process/thread limit.
         *
         * @param pids 8 to 4096 ({@code SANDBOX_PIDS})
         * @return this builder
         */
        public Builder pids(long pids) {
            this.pids = pids;
            return this;
        }

        /**
         * Sets the wall-clock limit of a run whose request sets none.
         *
         * @param timeout 1 s to 1 h ({@code SANDBOX_TIMEOUT_SECONDS})
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the writable tmpfs budget ({@code /tmp} plus {@code /dev/shm}).
         *
         * @param bytes 1 MiB to 4 GiB ({@code SANDBOX_TMPFS_MB})
         * @return this builder
         */
        public Builder tmpfsBytes(long bytes) {
            this.tmpfsBytes = bytes;
            return this;
        }

        /**
         * Sets the cap on each output stream.
         *
         * @param bytes 1 KiB to 64 MiB ({@code SANDBOX_OUTPUT_LIMIT_BYTES})
         * @return this builder
         */
        public Builder outputLimitBytes(int bytes) {
            this.outputLimitBytes = bytes;
            return this;
        }

        /**
         * Sets the ulimit on file size.
         *
         * @param bytes 1 MiB to 4 GiB ({@code SANDBOX_FILE_SIZE_MB})
         * @return this builder
         */
        public Builder fileSizeBytes(long bytes) {
            this.fileSizeBytes = bytes;
            return this;
        }

        /**
         * Sets the ulimit on open files.
         *
         * @param files 16 to 65536 ({@code SANDBOX_NOFILE})
         * @return this builder
         */
        public Builder openFiles(long files) {
            this.openFiles = files;
            return this;
        }

        /**
         * Sets the numeric uid:gid the program runs as.
         *
         * @param user such as {@code 10001:10001}; 0 and names are refused ({@code SANDBOX_USER})
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets the OCI runtime the engine should use.
         *
         * @param runtime a registered runtime name such as {@code runsc}, or null for the engine's
         *     default ({@code SANDBOX_RUNTIME})
         * @return this builder
         */
        public Builder runtime(String runtime) {
            this.runtime = runtime == null || runtime.isBlank() ? null : runtime.trim();
            return this;
        }

        /**
         * Sets how many runs may happen at once.
         *
         * @param runs 1 to 256 ({@code SANDBOX_MAX_CONCURRENT})
         * @return this builder
         */
        public Builder maxConcurrent(int runs) {
            this.maxConcurrent = runs;
            return this;
        }

        /**
         * Sets how many runs may wait for a slot.
         *
         * @param runs 0 to 10000 ({@code SANDBOX_QUEUE})
         * @return this builder
         */
        public Builder queue(int runs) {
            this.queue = runs;
            return this;
        }

        /**
         * Sets whether an image without python3 is accepted, without the start-up canary and the
         * in-container deadline (see {@link SandboxSettings#allowImageWithoutPython3()}).
         *
         * @param allow true to accept it ({@code SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3}, default false)
         * @return this builder
         */
        public Builder allowImageWithoutPython3(boolean allow) {
            this.allowImageWithoutPython3 = allow;
            return this;
        }

        /**
         * Sets the warm pool size (see {@link SandboxSettings#warmPool()}).
         *
         * @param containers 0 (off) to 64 ({@code SANDBOX_WARM_POOL})
         * @return this builder
         */
        public Builder warmPool(int containers) {
            this.warmPool = containers;
            return this;
        }

        /**
         * Sets the directory of the TLS client certificates of a {@code tcp://} engine.
         *
         * @param directory holds {@code ca.pem}, {@code cert.pem}, {@code key.pem}; null for none
         *     ({@code SANDBOX_DOCKER_CERT_PATH})
         * @return this builder
         */
        public Builder tlsCertPath(String directory) {
            this.tlsCertPath = directory == null || directory.isBlank() ? null : directory.trim();
            return this;
        }

        /**
         * Validates every value and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting, its variable, the value and the range
         */
        public SandboxSettings build() {
            if (image == null || image.isBlank()) {
                throw invalid("image", "SANDBOX_IMAGE", "must name an image on the engine, got '" + image + "'");
            }
            if (dockerHost == null || !(dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://"))) {
                throw invalid("dockerHost", "SANDBOX_DOCKER_HOST", "must be a unix:// or tcp:// URL, got '"
                        + dockerHost + "'");
            }
            if (profile == null) {
                throw invalid("profile", "SANDBOX_PROFILE", "must not be null (strict, permissive or a JSON file)");
            }
            mebibytes("memoryBytes", "SANDBOX_MEMORY_MB", memoryBytes, 16, 16_384);
            if (!(cpus >= 0.1 && cpus <= 64)) {
                throw invalid("cpus", "SANDBOX_CPUS", "must be from 0.1 to 64, got " + cpus);
            }
            range("pids", "SANDBOX_PIDS", pids, 8, 4096);
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0
                    || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw invalid("timeout", "SANDBOX_TIMEOUT_SECONDS", "must be from 1 to 3600 seconds, got "
                        + (timeout == null ? "null" : timeout.toMillis() + " ms"));
            }
            mebibytes("tmpfsBytes", "SANDBOX_TMPFS_MB", tmpfsBytes, 1, 4096);
            range("outputLimitBytes", "SANDBOX_OUTPUT_LIMIT_BYTES", outputLimitBytes, 1024, 64 * MIB);
            mebibytes("fileSizeBytes", "SANDBOX_FILE_SIZE_MB", fileSizeBytes, 1, 4096);
            range("openFiles", "SANDBOX_NOFILE", openFiles, 16, 65_536);
            String canonicalUser = nonRootUser(user);
            if (runtime != null && !runtime.matches("[A-Za-z0-9._-]{1,64}")) {
                throw invalid("runtime", "SANDBOX_RUNTIME", "must be an OCI runtime name such as runsc"
                        + " (letters, digits, '.', '_', '-'), got '" + runtime + "'");
            }
            range("maxConcurrent", "SANDBOX_MAX_CONCURRENT", maxConcurrent, 1, 256);
            range("queue", "SANDBOX_QUEUE", queue, 0, 10_000);
            range("warmPool", "SANDBOX_WARM_POOL", warmPool, 0, 64);
            if (tlsCertPath != null) {
                if (!dockerHost.startsWith("tcp://")) {
                    throw invalid("tlsCertPath", "SANDBOX_DOCKER_CERT_PATH", "needs a tcp:// engine (SANDBOX_DOCKER_HOST),"
                            + " got '" + dockerHost + "'");
                }
                for (String f : new String[] {"ca.pem", "cert.pem", "key.pem"}) {
                    if (!Files.isReadable(Path.of(tlsCertPath, f))) {
                        throw invalid("tlsCertPath", "SANDBOX_DOCKER_CERT_PATH / DOCKER_CERT_PATH", "must be a directory"
                                + " with readable ca.pem, cert.pem and key.pem; '" + tlsCertPath + "' has no readable " + f);
                    }
                }
            }
            return new SandboxSettings(this, canonicalUser);
        }

        /**
         * Parses uid:gid numerically and refuses root in any spelling ({@code 0}, {@code 00}, a
         * name such as {@code root}): the canonical decimal form is what the engine gets.
         */
        private static String nonRootUser(String user) {
            String fix = "must be a numeric uid:gid, each 1.." + Integer.MAX_VALUE
                    + ", such as 10001:10001 (names and uid or gid 0 in any spelling are refused), got '" + user + "'";
            if (user == null || !user.matches("[0-9]{1,10}:[0-9]{1,10}")) {
                throw invalid("user", "SANDBOX_USER", fix);
            }
            int colon = user.indexOf(':');
            long uid = Long.parseLong(user.substring(0, colon));
            long gid = Long.parseLong(user.substring(colon + 1));
            if (uid < 1 || gid < 1 || uid > Integer.MAX_VALUE || gid > Integer.MAX_VALUE) {
                throw invalid("user", "SANDBOX_USER", fix);
            }
            return uid + ":" + gid;
        }

        private static void range(String field, String variable, long value, long min, long max) {
            if (value < min || value > max) {
                throw invalid(field, variable, "must be from " + min + " to " + max + ", got " + value);
            }
        }

        private static void mebibytes(String field, String variable, long bytes, long minMib, long maxMib) {
            if (bytes < minMib * MIB || bytes > maxMib * MIB) {
                throw invalid(field, variable, "must be from " + minMib + " MiB to " + maxMib + " MiB, got " + bytes
                        + " bytes");
            }
        }

        private static IllegalArgumentException invalid(String field, String variable, String problem) {
            return new IllegalArgumentException(field + " (" + variable + ") " + problem);
        }
    }
}
