package dev.bulwark.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.core.internal.Threads;
import dev.bulwark.sandbox.internal.CappedBuffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each request in a fresh Docker container (on an engine's Unix socket a run's calls go
 * through a small raw HTTP/1.1 client, everything else and TCP/TLS engines through docker-java): no network, read-only root, one capped tmpfs budget for {@code /tmp} and a
 * small {@code /dev/shm}, all capabilities dropped, no-new-privileges, non-root user, an init as
 * PID 1 that reaps zombies, pids / memory (swap = memory) / CPU limits, file-size, open-file, core
 * (0) and locked-memory (0) ulimits, an engine-side output log capped at {@value #ENGINE_LOG_MAX}
 * (the output itself is read from the attach stream), the seccomp profile, optionally another OCI
 * runtime. Input files are copied into {@code /work} (never bind-mounted from the host; mounted
 * read-only, noexec, nosuid, nodev). The container is removed on every path.
 *
 * <p>Every run ends without the JVM too: in images with {@code python3} the program runs under a
 * small watchdog, the container's init and non-dumpable, so the program can neither stop nor
 * rewrite it, that ends the container at the run's deadline (plus a few seconds), and a
 * CPU-time ulimit bounds busy programs in any image. Every container and volume carries a lease
 * (label {@code bulwark.lease.expires}, epoch seconds); any runtime on the engine removes those
 * whose lease has expired, when it starts and every few minutes, and never touches a live one.
 *
 * <p>Under gVisor ({@code SANDBOX_RUNTIME} naming a runtime the engine runs from a {@code runsc}
 * binary, registered with {@code --oci-seccomp}) two things differ, and only there: the profile's
 * ENOSYS rule for {@code clone3} is left to gVisor's kernel, and the engine's pids limit makes room
 * for gVisor's own host threads. An image without {@code python3} is refused unless
 * {@link SandboxSettings#allowImageWithoutPython3()}.
 */
public final class DockerSandboxRuntime implements SandboxRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(DockerSandboxRuntime.class);
    static final String LABEL = "dev.bulwark.sandbox";
    static final String OWNER = "dev.bulwark.sandbox.owner";
    /**
     * Label with the epoch second after which any runtime on the engine may remove the container
     * or volume: the lease. Runs stop at their deadline inside the container, so an expired lease
     * is never a live run.
     */
    static final String LEASE = "bulwark.lease.expires";
    /** Lease time beyond a run's limit: creation, the kill at the deadline (up to 30 s) and removal. */
    static final Duration LEASE_GRACE = Duration.ofMinutes(2);
    /** Lease of a container created before leases existed: its creation plus the longest run and the grace. */
    static final Duration LEGACY_LEASE = Duration.ofHours(1).plus(LEASE_GRACE);
    /**
     * Time the in-container deadline leaves after the run's limit: the JVM kills the container at
     * the limit; the in-container deadline only acts when the JVM cannot (it died, or hangs).
     */
    static final Duration DEADLINE_SLACK = Duration.ofSeconds(5);
    /** Longest a warm container waits for its run; its bootstrap exits after that (no JVM may be left to use it). */
    static final Duration WARM_MAX_IDLE = Duration.ofMinutes(10);
    /** Warm containers older than this are replaced instead of used, well before their bootstrap gives up. */
    static final Duration WARM_REPLACE_AFTER = WARM_MAX_IDLE.minusMinutes(2);
    /** How often a runtime removes containers and volumes whose lease has expired. */
    static final Duration REAP_INTERVAL = Duration.ofMinutes(5);
    /**
     * The start-up canary (python3): calls {@code unshare(0)}, harmless and successful without a
     * filter, which the shipped profiles refuse, then {@code clone3(NULL, 0)} (never creates
     * anything: the arguments are invalid), and starts a thread; prints both results, their errno
     * and whether the thread ran, then whether {@code prctl(PR_SET_DUMPABLE, 0)}, which the
     * in-container deadline needs ({@link #NON_DUMPABLE}), is allowed. Judged by {@link #canaryVerdict}.
     */
    static final String CANARY = String.join("\n",
            "import ctypes, threading",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "r = libc.syscall(272, 0)",
            "e = ctypes.get_errno()",
            "ctypes.set_errno(0)",
            "r3 = libc.syscall(435, 0, 0)",
            "e3 = ctypes.get_errno()",
            "ran = []",
            "t = threading.Thread(target=lambda: ran.append(1))",
            "t.start()",
            "t.join()",
            "d = libc.prctl(4, 0, 0, 0, 0)",
            "print(r, e, r3, e3, 'threads-ok' if ran else 'threads-failed', 'dumpable-ok' if d == 0 else 'dumpable-refused')");
    /** errno of a refused call as gVisor's OCI seccomp answers it, whatever the profile's {@code errnoRet}. */
    static final int GVISOR_FILTER_ERRNO = 1;
    /** ENOSYS: what the gVisor kernel (the sentry) answers for {@code clone3}, which it does not implement. */
    static final int ENOSYS = 38;
    /**
     * The waiting half of the in-container deadline, shared by {@link #DEADLINE_WRAPPER} and the
     * warm bootstrap: {@code pid}, {@code end}, {@code r} are set.
     */
    static final String WATCHDOG = String.join("\n",
            // the container's PID 1: the kernel delivers no signal to it from inside the container
            // unless it has a handler, so SIGINT loses python3's (SIGSTOP and SIGKILL never arrive)
            "signal.signal(signal.SIGINT, signal.SIG_DFL)",
            "p = select.poll()",
            "p.register(r, select.POLLIN)",
            "while True:",
            // reaps every child: the program and, as the init, the orphans reparented to it
            "    for _ in range(1024):",
            "        got, status = os.waitpid(-1, os.WNOHANG)",
            "        if got == pid:",
            "            code = os.waitstatus_to_exitcode(status)",
            "            os._exit(code if code >= 0 else 128 - code)",
            "        if not got:",
            "            break",
            "    left = end - time.monotonic()",
            "    if left <= 0:",
            "        os._exit(137)",
            "    if p.poll(max(1, min(left * 1000, 1000))):",
            "        os.read(r, 512)");
    /**
     * Makes the watchdog non-dumpable before it forks ({@code prctl(PR_SET_DUMPABLE, 0)} through
     * {@code _ctypes} alone: the {@code ctypes} package costs 5–8 ms, this ~1 ms), so the program,
     * which runs as the same uid, cannot open its {@code /proc/<pid>/mem} and rewrite its deadline;
     * the forked child makes itself dumpable again ({@link #CHILD_DUMPABLE}), as a plain
     * {@code python3} is. A profile that refuses the call fails every run (exit 126, the message
     * names the rule); the start-up canary refuses such a profile first.
     */
    static final String NON_DUMPABLE = String.join("\n",
            "import _ctypes",
            "class _I(_ctypes._SimpleCData): _type_ = 'i'",
            "class _F(_ctypes.CFuncPtr): _flags_, _restype_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO, _I",
            "class _L: _handle = _ctypes.dlopen(None)",
            "prctl = _F(('prctl', _L))",
            "if prctl(4, 0, 0, 0, 0) != 0:",
            "    sys.stderr.write('bulwark sandbox: the seccomp profile refuses prctl(PR_SET_DUMPABLE, 0), which the'"
                    + " ' in-container deadline needs; allow prctl with argument 0 equal to 4 (SANDBOX_PROFILE)\\n')",
            "    sys.stderr.flush()",
            "    os._exit(126)");
    /**
     * The watchdog's first lines: its own imports (and {@link #NON_DUMPABLE}'s {@code _ctypes}) with
     * the working directory ({@code ''}, the run's input files) off {@code sys.path}, so a file such
     * as {@code _ctypes.py} or {@code select.py} among the inputs cannot run in PID 1 before the
     * deadline exists (review 2026-11-27 session 17, S1); {@link #RESTORE_PATH} puts it back for the
     * program before the fork.
     */
    static final String WATCHDOG_IMPORTS = String.join("\n",
            "import sys",
            "_p0 = sys.path[:]",
            "sys.path[:] = [x for x in sys.path if x]",
            "import os, time, select, _signal as signal");
    /** Puts {@code sys.path} back as {@link #WATCHDOG_IMPORTS} found it. */
    static final String RESTORE_PATH = "sys.path[:] = _p0";
    /** The child's half of {@link #NON_DUMPABLE}. */
    static final String CHILD_DUMPABLE = "prctl(4, 1, 0, 0, 0)";
    /**
     * What both watchdogs ({@link #DEADLINE_WRAPPER}, {@link #WARM_BOOTSTRAP}) do first: their
     * imports with the input files off {@code sys.path}, non-dumpable, {@code sys.path} back.
     */
    static final String WATCHDOG_SETUP = String.join("\n", WATCHDOG_IMPORTS, NON_DUMPABLE, RESTORE_PATH);
    /**
     * The fork shared by both watchdogs ({@code end} and {@code c} set): the parent waits in
     * {@link #WATCHDOG} and never returns; the child goes on with python3's signal handling and
     * dumpable again, to run the command.
     */
    static final String FORK_AND_WATCH = String.join("\n",
            "r, w = os.pipe()",
            "os.set_blocking(w, False)",
            "signal.set_wakeup_fd(w, warn_on_full_buffer=False)",
            "signal.signal(signal.SIGCHLD, lambda *a: None)",
            "pid = os.fork()",
            "if pid != 0:",
            WATCHDOG.indent(4).stripTrailing(),
            "signal.set_wakeup_fd(-1)",
            "signal.signal(signal.SIGCHLD, signal.SIG_DFL)",
            "os.close(r); os.close(w)",
            CHILD_DUMPABLE);

    /**
     * The child half shared by {@link #DEADLINE_WRAPPER} and the warm bootstrap: runs the command
     * {@code c}. A {@code python3 -c code} or {@code python3 script.py} command runs in this,
     * already started interpreter (as a fresh {@code __main__} module in {@code sys.modules}, with
     * its own globals and {@code sys.argv}; a script through {@code runpy}), so a run starts one
     * interpreter, not two; anything else through {@code exec}. The Java side
     * decides the same way ({@link #runsInProcess}) and starts the wrapper without {@code -S -E}
     * for an in-process command, so the program sees the flags of a plain {@code python3}.
     */
    static final String RUN_COMMAND = String.join("\n",
            "if c[0] == 'python3' and len(c) > 2 and c[1] == '-c':",
            "    sys.argv = ['-c'] + c[3:]",
            "    main, wrapper = type(sys)('__main__'), sys.modules['__main__']",
            "    main.__builtins__, main.__loader__ = __builtins__, __loader__",
            "    sys.modules['__main__'] = main",
            "    exec(compile(c[2], '<string>', 'exec'), main.__dict__)",
            "elif c[0] == 'python3' and len(c) > 1 and not c[1].startswith('-'):",
            // the working directory ('' of the wrapper's -c) off sys.path before runpy's pkgutil is
            // imported, so a user's pkgutil.py is not; then the script's directory first, as python3 does
            "    if sys.path and sys.path[0] == '':",
            "        del sys.path[0]",
            "    import runpy, pkgutil",
            "    if not os.path.exists(c[1]):",
            "        sys.stderr.write(\"python3: can't open file %r: [Errno 2] No such file or directory\\n\" % os.path.abspath(c[1]))",
            "        sys.stderr.flush()",
            "        os._exit(2)",
            "    sys.argv = c[1:]",
            "    sys.path.insert(0, os.path.dirname(os.path.abspath(c[1])))",
            "    runpy.run_path(c[1], run_name='__main__')",
            "else:",
            "    try:",
            "        os.execvp(c[0], c)",
            "    except OSError as e:",
            "        sys.stderr.write('bulwark sandbox: cannot run %s: %s\\n' % (c[0], e.strerror))",
            "        os._exit(127)");
    /**
     * The in-container deadline (python3, the container's init, PID 1): forks the program, waits
     * for it, reaps every orphan reparented to it, and at the deadline exits, which ends every
     * process of the container (the kernel kills a PID namespace whose init exits). As the init it
     * gets no signal from inside the container that it has no handler for ({@code SIGSTOP} and
     * {@code SIGKILL} included), and it is non-dumpable ({@link #NON_DUMPABLE}), so the program,
     * running as the same uid, can neither stop it nor rewrite its memory; ending it early ends the
     * run. Exit status: the program's, or 128 + signal. It imports the C
     * {@code _signal} module: the {@code signal} module's enums cost about 35 ms per run. The
     * forked child runs the command through {@link #RUN_COMMAND}: a Python program in the
     * wrapper's own interpreter, like a warm container does.
     */
    static final String DEADLINE_WRAPPER = String.join("\n",
            WATCHDOG_SETUP,
            "end = time.monotonic() + float(sys.argv[1])",
            "c = sys.argv[2:]",
            FORK_AND_WATCH,
            RUN_COMMAND);

    /**
     * Whether {@link #RUN_COMMAND} runs {@code command} in the wrapper's own interpreter
     * ({@code python3 -c code …} or {@code python3 script.py …}) rather than through {@code exec}.
     */
    static boolean runsInProcess(List<String> command) {
        return command.size() > 1 && command.get(0).equals("python3")
                && (command.get(1).equals("-c") ? command.size() > 2 : !command.get(1).startsWith("-"));
    }

    /**
     * Most the engine keeps of a container's output on its disk ({@code local} log driver, one
     * file): the run's output is read from the attach stream, so this only bounds the engine's copy.
     */
    static final String ENGINE_LOG_MAX = "1m";
    /** Largest {@code /dev/shm}; it is taken out of the tmpfs budget, so /tmp + /dev/shm = SANDBOX_TMPFS_MB. */
    static final long SHM_MAX_BYTES = 1024L * 1024;
    /** Mount options of the read-only input view at /work. */
    static final String WORK_MOUNT_OPTIONS = "bind,ro,noexec,nosuid,nodev";

    /** Name of the gauge of warm containers ready now (registered when a registry is given). */
    static final String WARM_READY_METRIC = Sandbox.METRIC_PREFIX + "warm_pool.ready";

    private final SandboxSettings settings;
    private final DockerClient docker;
    private final ThreadFactory threads;
    private final MetricRegistry metrics;
    private final Gauge<Integer> warmReady;
    private final String owner;
    private final java.time.Clock clock;
    /** The profile as sent to the engine: adapted once the probe has seen a gVisor runtime. */
    private volatile String seccomp;
    /** Whether the engine runs the containers under gVisor (runsc); null until probed. */
    private volatile Boolean gvisor;
    private final javax.net.ssl.SSLContext tlsContext;
    /**
     * The hot path's engine client (raw HTTP over the engine's Unix socket), or null for a TCP or
     * TLS engine: docker-java then makes every call.
     */
    private final dev.bulwark.sandbox.internal.EngineClient raw;
    /** The create body's fixed part for the current profile and pids limit; rebuilt when the probe changes them. */
    private volatile CreateTemplate createTemplate;
    private final java.util.concurrent.BlockingQueue<Warm> warm = new java.util.concurrent.LinkedBlockingQueue<>();
    /** Warm pool refills, removal of used warm containers, periodic reaping; started by check(). */
    private volatile java.util.concurrent.ScheduledExecutorService background;
    /** Whether the image runs the in-container deadline (python3); null until probed. */
    private volatile Boolean deadlineInImage;
    /** Why the start-up canary refused this engine/runtime, or null. */
    private volatile String canaryFailure;
    /** Test only: the engine runs containers without the profile (as runsc without --oci-seccomp would). */
    private final boolean dropProfileForTest;
    private volatile boolean closed;
    /** The runtime itself (1) plus runs in flight: the Docker client closes when this reaches 0. */
    private final java.util.concurrent.atomic.AtomicInteger clientUsers = new java.util.concurrent.atomic.AtomicInteger(1);

    /**
     * Bootstrap of warm containers (working directory /tmp): reads a length-prefixed header (the
     * run's deadline in seconds, the size of the tar of input files and the command, separated by
     * NUL) and the tar from stdin, unpacks the files into /tmp (the capped tmpfs) and runs the
     * command through {@link #RUN_COMMAND}: a {@code python3 script.py} or {@code python3 -c code}
     * command in the already started interpreter, anything else through {@code exec}. The rest of stdin is the program's stdin. It imports
     * only modules built into the interpreter ({@code _signal}, not {@code signal}; no
     * {@code json}); {@code tarfile} only when the run sends files: at saturation every warm
     * container's start is on some run's bill, and those imports cost more than the interpreter.
     */
    static final String WARM_BOOTSTRAP = String.join("\n",
            WATCHDOG_SETUP,
            "idle = select.poll()",
            "idle.register(0, select.POLLIN)",
            "if not idle.poll(int(float(sys.argv[1]) * 1000)):",
            "    raise SystemExit('bulwark sandbox bootstrap: no run within the idle limit')",
            "def rd(n):",
            "    b = bytearray()",
            "    while len(b) < n:",
            "        c = os.read(0, n - len(b))",
            "        if not c:",
            "            raise SystemExit('bulwark sandbox bootstrap: input ended early')",
            "        b += c",
            "    return bytes(b)",
            "h = rd(int(rd(16))).decode('utf-8').split('\\0')",
            "end = time.monotonic() + float(h[0])",
            "size = int(h[1])",
            "c = h[2:]",
            FORK_AND_WATCH,
            "if size:",
            "    import io, tarfile",
            "    tarfile.open(fileobj=io.BytesIO(rd(size))).extractall('/tmp')",
            RUN_COMMAND);

    private DockerSandboxRuntime(Builder b) {
        this.settings = b.settings;
        this.threads = b.threadFactory != null ? b.threadFactory : Threads.daemon("bulwark-sandbox");
        this.metrics = b.metrics;
        this.clock = b.clock;
        this.dropProfileForTest = b.dropProfileForTest;
        this.owner = b.owner != null ? b.owner : ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        this.warmReady = warm::size;
        if (metrics != null) {
            metrics.gauge(WARM_READY_METRIC, () -> warmReady);
        }
        String certPath = settings.tlsCertPath().orElse(null);
        boolean tls = certPath != null;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(settings.dockerHost()).withDockerTlsVerify(tls)
                .withDockerCertPath(certPath).build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(URI.create(settings.dockerHost()))
                .sslConfig(config.getSSLConfig())
                .maxConnections(64).connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(5)).build();
        try {
            this.tlsContext = tls ? config.getSSLConfig().getSSLContext() : null;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            throw new SandboxException("cannot load the engine's TLS certificates from " + certPath
                    + " (SANDBOX_DOCKER_CERT_PATH): " + e.getMessage(), e);
        }
        if (!tls && settings.dockerHost().startsWith("tcp://")) {
            LOG.warn("INSECURE: the Docker engine at {} is reached over plain TCP: anyone who can reach that port"
                    + " controls the host; use the Unix socket or TLS (SANDBOX_DOCKER_CERT_PATH)", settings.dockerHost());
        }
        this.docker = DockerClientImpl.getInstance(config, http);
        java.nio.file.Path socket = tls ? null : dev.bulwark.sandbox.internal.EngineClient.unixSocket(settings.dockerHost());
        this.raw = socket == null || b.dockerJavaOnly ? null : new dev.bulwark.sandbox.internal.EngineClient(socket);
        this.seccomp = settings.profile().toJson();
    }

    /**
     * Creates a runtime connected to the engine of the settings, with daemon threads and no
     * metrics; {@link #check()} (which {@link Sandbox#create(SandboxSettings)} calls) verifies
     * the engine and the image.
     *
     * @param settings limits and image
     * @return the runtime
     */
    public static DockerSandboxRuntime create(SandboxSettings settings) {
        return builder(settings).build();
    }

    /**
     * Starts a builder, to give a metric registry or a thread factory.
     *
     * @param settings limits and image
     * @return a new builder
     */
    public static Builder builder(SandboxSettings settings) {
        return new Builder(Objects.requireNonNull(settings, "settings"));
    }

    /** Builds a {@link DockerSandboxRuntime}. */
    public static final class Builder {
        private final SandboxSettings settings;
        private MetricRegistry metrics;
        private ThreadFactory threadFactory;
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private String owner;
        private boolean dropProfileForTest;
        private boolean dockerJavaOnly;

        private Builder(SandboxSettings settings) {
            this.settings = settings;
        }

        /**
         * Sets the registry the runtime's gauge {@code bulwark.sandbox.warm_pool.ready} goes to.
         *
         * @param registry the service's registry
         * @return this builder
         */
        public Builder metrics(MetricRegistry registry) {
            this.metrics = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets the factory of the runtime's threads (stdin feeding, warm pool); default: daemon
         * threads named {@code bulwark-sandbox}.
         *
         * @param factory the caller's thread factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Sets the clock of the leases: a container's {@code bulwark.lease.expires} label, and
         * which leases count as expired when reaping (default: the system clock, UTC).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(java.time.Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Runs containers unconfined (tests: an engine or OCI runtime that silently drops the profile). */
        Builder dropProfileForTest() {
            this.dropProfileForTest = true;
            return this;
        }

        /** Makes every engine call through docker-java, as for a TCP or TLS engine (tests, benchmarks). */
        Builder dockerJavaOnly() {
            this.dockerJavaOnly = true;
            return this;
        }

        /** Sets the owner label (tests: a replica whose process is not visible here). */
        Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /**
         * Connects to the engine (nothing is run yet).
         *
         * @return the runtime
         * @throws SandboxException when the engine's TLS certificates cannot be loaded
         */
        public DockerSandboxRuntime build() {
            return new DockerSandboxRuntime(this);
        }
    }

    /**
     * Checks the engine and the image, removes containers and volumes whose lease has expired,
     * learns whether the image can run the in-container deadline (python3) and starts the warm
     * pool and the periodic reaper. Idempotent.
     */
    @Override
    public void check() {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new SandboxException("Docker engine unreachable at " + settings.dockerHost()
                    + " (start dockerd, or set SANDBOX_DOCKER_HOST / DOCKER_HOST): " + e.getMessage(), e);
        }
        try {
            docker.inspectImageCmd(settings.image()).exec();
        } catch (NotFoundException e) {
            throw imageMissing(e);
        }
        reapOrphans();
        deadlineInContainer();
        requireCanary();
        requirePython3();
        startBackground();
    }

    /**
     * Whether runs get the in-container deadline: the image must run {@code python3}. Probed once
     * with a real container under every limit and the profile (the result is kept); the same
     * container is the start-up canary (see {@link #CANARY}).
     */
    private boolean deadlineInContainer() {
        Boolean known = deadlineInImage;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (deadlineInImage == null) {
                boolean underGvisor = engineRunsGvisor();
                gvisor = underGvisor;
                seccomp = (underGvisor ? forGvisor(settings.profile()) : settings.profile()).toJson();
                String id = create(List.of("python3", "-S", "-E", "-c", CANARY), "/tmp",
                        null, Duration.ofSeconds(30), Duration.ofSeconds(30), false);
                boolean ok;
                try {
                    SandboxResult probe = runCreated(id, new byte[0], Duration.ofSeconds(30), false);
                    ok = probe.exitCode() == 0;
                    if (ok) {
                        canaryFailure = canaryVerdict(probe.stdout().strip(), settings.profile(), underGvisor);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("python3 probe of image {} failed: {}", settings.image(), e.toString());
                    ok = false;
                } finally {
                    remove(id);
                }
                if (canaryFailure != null) {
                    LOG.error("Sandbox start-up canary failed, refusing to run untrusted code: {}", canaryFailure);
                } else if (!ok && !settings.allowImageWithoutPython3()) {
                    LOG.error("Refusing to run untrusted code: {}", noPython3());
                } else if (!ok) {
                    LOG.warn("Image {} cannot run python3 (SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3=true): the start-up"
                            + " canary cannot prove that the seccomp filter is active", settings.image());
                }
                if (!ok && settings.allowImageWithoutPython3()) {
                    LOG.warn("Image {} cannot run python3: runs get no in-container deadline. A run whose JVM dies"
                            + " is then ended only by its CPU-time limit (ulimit cpu), or by the reaper of a runtime"
                            + " once its lease ({}) has expired; use an image with python3 to end every run at its"
                            + " deadline", settings.image(), LEASE);
                }
                if (ok && underGvisor) {
                    LOG.warn("Under gVisor a sandboxed program can stop the in-container deadline's watchdog with SIGSTOP"
                            + " (gVisor does not protect a PID namespace's init from signals sent inside it): a run whose"
                            + " JVM dies may then last until its lease ({} after its limit) expires and a live runtime"
                            + " reaps it; under runc it cannot", LEASE_GRACE);
                }
                deadlineInImage = ok;
            }
            return deadlineInImage;
        }
    }

    /**
     * Throws when the image cannot run python3 and the settings do not accept that: nothing would
     * prove the filter, and no run would end inside the container.
     */
    private void requirePython3() {
        if (Boolean.FALSE.equals(deadlineInImage) && !settings.allowImageWithoutPython3()) {
            throw new SandboxException(noPython3());
        }
    }

    private String noPython3() {
        return "image '" + settings.image() + "' cannot run python3: the start-up canary cannot prove that the"
                + " seccomp filter is in force, and runs would get no in-container deadline (a run whose JVM dies"
                + " would last until its CPU-time limit or its lease); add python3 to the image (the canary and the"
                + " deadline need only python3 -S, e.g. Debian's python3-minimal), or set"
                + " SANDBOX_ALLOW_IMAGE_WITHOUT_PYTHON3=true to run without both";
    }

    /** Throws when the start-up canary showed the filter is not in force. */
    private void requireCanary() {
        String failure = canaryFailure;
        if (failure != null) {
            throw new SandboxException(failure);
        }
    }

    /**
     * Judges the canary's output ({@code <unshare result> <errno> <clone3 result> <errno> <threads
     * ok> <dumpable ok>}) against what the profile says {@code unshare(0)} must answer; null when the filter is
     * proven in force. Under gVisor every refusal of its OCI filter answers EPERM (it ignores
     * {@code errnoRet}), and {@code clone3} must answer ENOSYS from the gVisor kernel itself: the
     * profile lets it through there (see {@link #forGvisor}), which is safe only while gVisor does
     * not implement it.
     */
    static String canaryVerdict(String output, SeccompProfile profile, boolean gvisor) {
        Integer expected = expectedUnshareErrno(profile);
        if (expected != null && gvisor) {
            expected = GVISOR_FILTER_ERRNO;
        }
        String[] parts = output.split("\\s+");
        String where = "(SANDBOX_PROFILE / SANDBOX_RUNTIME: an OCI runtime that ignores OCI seccomp, such as runsc"
                + " without --oci-seccomp, or an engine that drops the profile)";
        if (parts.length != 6) {
            return "the seccomp start-up canary printed '" + output + "' instead of its six values";
        }
        if (!parts[4].equals("threads-ok")) {
            return "threads do not start under the seccomp profile (the canary printed '" + output + "')";
        }
        if (!parts[5].equals("dumpable-ok")) {
            return "the seccomp profile refuses prctl(PR_SET_DUMPABLE, 0): the in-container deadline's watchdog"
                    + " needs it, or the program could rewrite the watchdog's deadline through /proc; allow prctl"
                    + " with argument 0 equal to 4 in the profile (SANDBOX_PROFILE), as the strict profile does";
        }
        if (expected != null && !(parts[0].equals("-1") && parts[1].equals(Integer.toString(expected)))) {
            return "the seccomp profile is not in force: unshare(0) answered " + parts[0] + " (errno " + parts[1]
                    + ") in a sandbox container where the profile refuses it with errno " + expected + " " + where;
        }
        if (gvisor && !(parts[2].equals("-1") && parts[3].equals(Integer.toString(ENOSYS)))) {
            return "this gVisor runtime answered clone3 with " + parts[2] + " (errno " + parts[3] + "), not ENOSYS:"
                    + " under gVisor the profile lets clone3 through to gVisor's kernel, which is safe only while that"
                    + " kernel does not implement it (its flags, namespaces included, live in memory seccomp cannot"
                    + " inspect); refusing to run untrusted code (SANDBOX_RUNTIME)";
        }
        return null;
    }

    /**
     * The profile as the engine gets it under gVisor: the one difference is {@code clone3}. The
     * profile refuses it with ENOSYS so that glibc falls back to {@code clone}, whose flags the filter
     * checks; gVisor's OCI seccomp ({@code --oci-seccomp}) ignores {@code errnoRet} and answers every
     * refusal with EPERM, on which glibc does not fall back, so no thread could start. Under gVisor
     * the rule is therefore dropped and {@code clone3} reaches gVisor's kernel, which does not
     * implement it and answers ENOSYS itself (the start-up canary checks that it does). Any other
     * rule, and a profile without an unconditional ENOSYS rule for {@code clone3}, is unchanged.
     */
    static SeccompProfile forGvisor(SeccompProfile profile) {
        List<SeccompProfile.Rule> rules = new java.util.ArrayList<>();
        boolean changed = false;
        for (SeccompProfile.Rule r : profile.syscalls()) {
            boolean enosysClone3 = r.names().contains("clone3") && r.action().equals("SCMP_ACT_ERRNO")
                    && Integer.valueOf(ENOSYS).equals(r.errnoRet()) && (r.args() == null || r.args().isEmpty());
            if (!enosysClone3) {
                rules.add(r);
                continue;
            }
            changed = true;
            List<String> names = new java.util.ArrayList<>(r.names());
            names.remove("clone3");
            if (!names.isEmpty()) {
                rules.add(new SeccompProfile.Rule(names, r.action(), r.errnoRet(), r.args(), r.comment()));
            }
        }
        if (!changed) {
            return profile;
        }
        rules.add(new SeccompProfile.Rule(List.of("clone3"), "SCMP_ACT_ALLOW", null, null,
                "gVisor only: its OCI seccomp answers EPERM instead of ENOSYS; gVisor's kernel does not implement"
                        + " clone3 and answers ENOSYS itself, so glibc falls back to the checked clone"));
        return new SeccompProfile(profile.defaultAction(), profile.defaultErrnoRet(), profile.architectures(), rules,
                profile.other());
    }

    /**
     * Whether the engine runs this runtime's containers under gVisor: the registered runtime's
     * path ends in {@code runsc}. A runtime name the engine does not know is refused clearly.
     */
    private boolean engineRunsGvisor() {
        com.github.dockerjava.api.model.Info info = docker.infoCmd().exec();
        Map<String, com.github.dockerjava.api.model.RuntimeInfo> runtimes =
                info.getRuntimes() == null ? Map.of() : info.getRuntimes();
        String name = settings.runtime().orElse(null);
        if (name == null) {
            return false; // the engine's default (runc): a default runtime other than runc is not judged here
        }
        com.github.dockerjava.api.model.RuntimeInfo runtime = runtimes.get(name);
        if (runtime == null) {
            throw new SandboxException("OCI runtime '" + name + "' (SANDBOX_RUNTIME) is not registered with the engine at "
                    + settings.dockerHost() + " (it has " + new java.util.TreeSet<>(runtimes.keySet()) + "): register it"
                    + " under \"runtimes\" in /etc/docker/daemon.json and reload the engine (SIGHUP), or unset"
                    + " SANDBOX_RUNTIME");
        }
        String path = String.valueOf(runtime.getPath());
        return path.equals("runsc") || path.endsWith("/runsc");
    }

    /** The errno the profile gives {@code unshare} unconditionally, or null when it allows it. */
    static Integer expectedUnshareErrno(SeccompProfile profile) {
        for (SeccompProfile.Rule r : profile.syscalls()) {
            if (r.names().contains("unshare") && (r.args() == null || r.args().isEmpty())) {
                if (r.action().equals("SCMP_ACT_ERRNO")) {
                    return r.errnoRet() != null ? r.errnoRet()
                            : profile.defaultErrnoRet() != null ? profile.defaultErrnoRet() : 1;
                }
                return null;
            }
        }
        for (SeccompProfile.Rule r : profile.syscalls()) {
            if (r.names().contains("unshare")) {
                return null; // allowed or refused only for some arguments: not a clean canary
            }
        }
        return profile.defaultAction().equals("SCMP_ACT_ERRNO")
                ? (profile.defaultErrnoRet() != null ? profile.defaultErrnoRet() : 1) : null;
    }

    private synchronized void startBackground() {
        if (background != null || closed) {
            return;
        }
        java.util.concurrent.ScheduledThreadPoolExecutor b =
                new java.util.concurrent.ScheduledThreadPoolExecutor(backgroundThreads(settings), threads);
        b.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        b.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        background = b;
        b.scheduleWithFixedDelay(() -> withClient(this::reapOrphans), REAP_INTERVAL.toSeconds(),
                REAP_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        if (settings.warmPool() > 0) {
            for (int i = 0; i < settings.warmPool(); i++) {
                b.execute(this::addWarm);
            }
            b.scheduleWithFixedDelay(this::replaceStaleWarm, 1, 1, TimeUnit.MINUTES);
        }
    }

    /**
     * Threads of the pool's background work (refills, removal of used warm containers, reaping):
     * one per warm container up to {@code maxConcurrent}, at least one. With one thread, the
     * refills of callers running back to back queued behind each other (and behind removals), the
     * pool stayed empty and the runs took the normal path; the engine creates and starts
     * containers in parallel.
     */
    static int backgroundThreads(SandboxSettings settings) {
        return Math.max(1, Math.min(settings.warmPool(), settings.maxConcurrent()));
    }

    private void withClient(Runnable task) {
        if (useClient()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("Sandbox housekeeping failed: {}", e.getMessage());
            } finally {
                releaseClient();
            }
        }
    }

    /** A started warm container and when it was created. */
    private record Warm(String id, java.time.Instant created) {
    }

    /**
     * Creates and starts one warm container, holding the engine connection (so close() cannot
     * close it underneath); a container that close() missed is removed here.
     */
    private void addWarm() {
        if (!useClient()) {
            return; // closed
        }
        try {
            // created and started: the bootstrap (interpreter start, imports) runs now and then
            // blocks reading stdin, so a run pays only for unpacking and its own program
            java.time.Instant created = clock.instant();
            String id = create(List.of("python3", "-c", WARM_BOOTSTRAP, Long.toString(WARM_MAX_IDLE.toSeconds())),
                    "/tmp", null, settings.timeout(), WARM_MAX_IDLE.plus(settings.timeout()), false, true);
            try {
                if (raw != null) {
                    raw.start(id);
                } else {
                    docker.startContainerCmd(id).exec();
                }
            } catch (RuntimeException e) {
                remove(id);
                throw e;
            }
            Warm w = new Warm(id, created);
            warm.add(w);
            if (closed && warm.remove(w)) {
                remove(id); // close() drained the pool before this container was added
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not pre-create a warm sandbox container: {}", e.getMessage());
        } finally {
            releaseClient();
        }
    }

    /** Replaces warm containers that waited so long that their bootstrap is about to give up. */
    private void replaceStaleWarm() {
        for (Warm w : List.copyOf(warm)) {
            if (isStale(w) && warm.remove(w)) {
                withClient(() -> remove(w.id()));
                addWarm();
            }
        }
    }

    private boolean isStale(Warm w) {
        return Duration.between(w.created(), clock.instant()).compareTo(WARM_REPLACE_AFTER) > 0;
    }

    /** A warm container fit for a run of this limit, or null: stale ones are removed and replaced. */
    private Warm takeWarm(Duration limit) {
        if (limit.compareTo(settings.timeout()) > 0) {
            return null; // its lease covers runs up to the settings' timeout
        }
        for (Warm w = warm.poll(); w != null; w = warm.poll()) {
            if (!isStale(w)) {
                return w;
            }
            remove(w.id());
            java.util.concurrent.ScheduledExecutorService b = background;
            if (b != null) {
                submit(b, this::addWarm);
            }
        }
        return null;
    }

    /**
     * Removes sandbox containers and volumes whose lease ({@code bulwark.lease.expires}) has
     * expired, whoever created them: this runtime, another replica on the same engine, or a JVM
     * that died. A live lease is never touched. Runs on {@link #check()} and every few minutes.
     *
     * @return how many containers were removed
     */
    public int reapOrphans() {
        long now = clock.instant().getEpochSecond();
        int removed = 0;
        List<Container> all = docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, "true")).exec();
        for (Container c : all) {
            long expires = leaseOf(c.getLabels(), c.getCreated() == null ? 0 : c.getCreated());
            if (expires < now) {
                remove(c.getId());
                removed++;
            }
        }
        int volumes = 0;
        for (com.github.dockerjava.api.command.InspectVolumeResponse v : docker.listVolumesCmd()
                .withFilter("label", List.of(LABEL + "=true")).exec().getVolumes()) {
            if (leaseOf(v.getLabels(), 0) < now) {
                removeVolume(v.getName());
                volumes++;
            }
        }
        if (removed + volumes > 0) {
            LOG.info("Reaped {} sandbox container(s) and {} volume(s) whose lease had expired", removed, volumes);
        }
        return removed;
    }

    /**
     * The lease's expiry in epoch seconds; without a readable lease label (made before leases),
     * the creation time plus {@link #LEGACY_LEASE} (0 for a volume, whose creation is not listed).
     */
    static long leaseOf(Map<String, String> labels, long createdEpochSecond) {
        String lease = labels == null ? null : labels.get(LEASE);
        if (lease != null) {
            try {
                return Long.parseLong(lease.trim());
            } catch (NumberFormatException e) {
                // unreadable: as if there were none
            }
        }
        return createdEpochSecond == 0 ? 0 : createdEpochSecond + LEGACY_LEASE.toSeconds();
    }

    /** The labels of everything created for a run that may last {@code span}: owner and lease. */
    private Map<String, String> labels(Duration span) {
        long expires = clock.instant().plus(span).plus(LEASE_GRACE).getEpochSecond();
        return Map.of(LABEL, "true", OWNER, owner, LEASE, Long.toString(expires));
    }

    /**
     * Runs a request; a run already in flight when {@link #close()} is called finishes (and its
     * container is removed) before the engine connection closes, a run after it is refused.
     */
    @Override
    public SandboxResult run(SandboxRequest request) {
        if (!useClient()) {
            throw new SandboxException("the sandbox runtime is closed");
        }
        try {
            Duration limit = request.timeout() != null ? request.timeout() : settings.timeout();
            deadlineInContainer();
            requireCanary();
            requirePython3();
            // the warm header separates the command's parts with NUL: a part holding one runs the normal way
            Warm w = request.command().stream().anyMatch(part -> part.indexOf('\0') >= 0) ? null : takeWarm(limit);
            return w != null ? runWarm(w.id(), request, limit) : runInVolume(request, limit);
        } catch (NotFoundException e) {
            throw goneDuringRun(e);
        } catch (SandboxException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SandboxException("the sandbox run failed: " + e.getMessage(), e);
        } finally {
            releaseClient();
        }
    }

    private boolean useClient() {
        for (int n = clientUsers.get(); n > 0 && !closed; n = clientUsers.get()) {
            if (clientUsers.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    private void releaseClient() {
        if (clientUsers.decrementAndGet() == 0) {
            try {
                docker.close();
            } catch (IOException e) {
                LOG.debug("closing the Docker client: {}", e.toString());
            }
        }
    }

    /**
     * A "not found" once the container exists: the image was there, so something removed the
     * container or the input volume before the run ended.
     */
    private static SandboxException goneDuringRun(NotFoundException e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        String what = lower.contains("no such container") ? "the sandbox container"
                : lower.contains("volume") ? "the input volume" : "an object the run needs";
        return new SandboxException(what + " disappeared from the engine before the run ended (removed by"
                + " 'docker rm -f', 'docker system prune' or another process): " + message, e);
    }

    private SandboxException imageMissing(NotFoundException e) {
        return new SandboxException("image '" + settings.image() + "' is not on the engine at " + settings.dockerHost()
                + ": the sandbox needs an image with the program's interpreter (python3 for SandboxRequest.python"
                + " and the warm pool) and a non-root user; build or pull one on that engine (docker build / docker"
                + " pull / docker load) or set SANDBOX_IMAGE to one it has", e);
    }

    /** Runs in a pre-started warm container, starts its replacement, removes it off the caller's path. */
    private SandboxResult runWarm(String id, SandboxRequest request, Duration limit) {
        java.util.concurrent.ExecutorService w = background;
        try {
            if (w != null) {
                submit(w, this::addWarm); // refused once close() began: nothing to replace then
            }
            return runCreated(id, warmPayload(request, limit), limit, true);
        } finally {
            if (w == null || closed || !submit(w, () -> remove(id))) {
                remove(id); // used exactly once; removed here when the pool is closing
            }
        }
    }

    /** Hands a task to the pool's thread; false when the pool is shut down (close() raced this run). */
    private static boolean submit(java.util.concurrent.ExecutorService w, Runnable task) {
        try {
            w.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private SandboxResult runInVolume(SandboxRequest request, Duration limit) {
        // Inputs travel in a per-run volume filled through a helper container (a copy, never a
        // bind mount of host files) and mounted read-only at /work: the root file system is
        // read-only, so nothing can be copied into the sandbox container itself.
        if (request.files().isEmpty()) {
            return runWithInputs(null, request, limit);
        }
        // The data volume is filled (writable) by the helper; the run sees it through a second
        // volume: a bind of the first's directory that the engine mounts read-only, noexec, nosuid,
        // nodev (Docker's own volume options cannot say noexec).
        String data = "bulwark-sandbox-" + UUID.randomUUID();
        String view = data + "-ro";
        Map<String, String> labels = labels(limit);
        docker.createVolumeCmd().withName(data).withLabels(labels).exec();
        try {
            fill(data, request, labels);
            String dir = docker.inspectVolumeCmd(data).exec().getMountpoint();
            if (dir == null || dir.isBlank()) {
                throw new SandboxException("the engine reported no mount point for input volume " + data);
            }
            docker.createVolumeCmd().withName(view).withLabels(labels).withDriver("local")
                    .withDriverOpts(Map.of("type", "none", "device", dir, "o", WORK_MOUNT_OPTIONS)).exec();
            return runWithInputs(view, request, limit);
        } finally {
            removeVolume(view);
            removeVolume(data);
        }
    }

    private byte[] warmPayload(SandboxRequest request, Duration limit) {
        byte[] tar = request.files().isEmpty() ? new byte[0] : tar(request.files(), settings.user());
        StringBuilder header = new StringBuilder();
        header.append(limit.plus(DEADLINE_SLACK).toMillis() / 1000.0).append('\0').append(tar.length);
        for (String part : request.command()) {
            header.append('\0').append(part); // takeWarm sends a command with a NUL the normal way
        }
        byte[] head = header.toString().getBytes(StandardCharsets.UTF_8);
        byte[] stdin = request.stdin();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + head.length + tar.length + stdin.length);
        out.writeBytes(String.format(java.util.Locale.ROOT, "%016d", head.length).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(head);
        out.writeBytes(tar);
        out.writeBytes(stdin);
        return out.toByteArray();
    }

    private void fill(String volume, SandboxRequest request, Map<String, String> labels) {
        String helper;
        try {
            helper = docker.createContainerCmd(settings.image()).withCmd("true")
                    .withLabels(labels).withNetworkDisabled(true)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")
                            .withBinds(new Bind(volume, new Volume("/work"))))
                    .exec().getId();
        } catch (NotFoundException e) {
            throw imageMissing(e);
        }
        try {
            docker.copyArchiveToContainerCmd(helper).withRemotePath("/work")
                    .withTarInputStream(new ByteArrayInputStream(tar(request.files(), settings.user()))).exec();
        } finally {
            remove(helper);
        }
    }

    private void removeVolume(String volume) {
        try {
            docker.removeVolumeCmd(volume).exec();
        } catch (NotFoundException ignored) {
            // already gone
        } catch (RuntimeException e) {
            LOG.warn("Could not remove sandbox volume {}: {} (it will be reaped at next start)", volume, e.getMessage());
        }
    }

    /** Runs with the input volume at /work, or without one (null) when the request has no files. */
    private SandboxResult runWithInputs(String volume, SandboxRequest request, Duration limit) {
        String id = create(request.command(), "/work", volume, limit, limit, true);
        try {
            return runCreated(id, request.stdin(), limit, false);
        } finally {
            remove(id);
        }
    }

    /**
     * The CPU-time limit (seconds, per process) of a run: what its CPU quota allows during the run's
     * limit plus the slack, rounded up, plus 5 s; a program can never reach it before its
     * wall-clock deadline, and a busy program whose JVM died is killed by the kernel there.
     */
    static long cpuSeconds(Duration runLimit, double cpus) {
        double wall = runLimit.plus(DEADLINE_SLACK).toMillis() / 1000.0;
        return (long) Math.ceil(wall * Math.max(1.0, cpus)) + 5;
    }

    /**
     * The pids limit handed to the engine. Under runc it is {@code SANDBOX_PIDS}. Under gVisor the
     * engine's pids cgroup holds the whole sandbox: gVisor's own host threads (about 50 before the
     * program starts) and, on the ptrace platform, about {@value #GVISOR_HOST_PIDS_PER_PROCESS} host
     * threads per process of the program; gVisor (2022) keeps no pids limit of its own. So the
     * engine gets {@value #GVISOR_HOST_PIDS_BASE} + {@value #GVISOR_HOST_PIDS_PER_PROCESS} ×
     * {@code SANDBOX_PIDS}, and a program that reaches it stalls (no EAGAIN) until its deadline.
     */
    static long enginePidsLimit(long pids, boolean gvisor) {
        return gvisor ? GVISOR_HOST_PIDS_BASE + GVISOR_HOST_PIDS_PER_PROCESS * pids : pids;
    }

    /** Host threads of a gVisor sandbox before the program's processes (measured: 48 hangs, 64 runs). */
    static final long GVISOR_HOST_PIDS_BASE = 64;
    /** Host threads per process of the program under gVisor's ptrace platform (measured: about 4.6). */
    static final long GVISOR_HOST_PIDS_PER_PROCESS = 5;

    /** The /dev/shm share of the tmpfs budget: 1 MiB, or a quarter of a smaller budget. */
    static long shmBytes(long tmpfsBudget) {
        return Math.min(SHM_MAX_BYTES, tmpfsBudget / 4);
    }

    /**
     * Creates (does not start) a container with every limit applied, a lease covering
     * {@code span} (plus the grace), a CPU-time limit that a program using its whole CPU quota for {@code runLimit}
     * plus the slack stays under, and (when {@code deadline} and the image has python3) the
     * command wrapped by the in-container deadline at {@code runLimit} plus the slack.
     */
    private String create(List<String> command, String workDir, String volume, Duration runLimit, Duration span,
            boolean deadline) {
        return create(command, workDir, volume, runLimit, span, deadline, false);
    }

    /**
     * As {@link #create(List, String, String, Duration, Duration, boolean)}; {@code ownInit}: the
     * command is the warm bootstrap, which is its container's init (PID 1) as the deadline's
     * watchdog is; any other container gets the engine's init ({@code --init}).
     */
    private String create(List<String> command, String workDir, String volume, Duration runLimit, Duration span,
            boolean deadline, boolean ownInit) {
        List<String> cmd = command;
        boolean engineInit = !ownInit;
        if (deadline && deadlineInContainer()) {
            engineInit = false;
            double seconds = runLimit.plus(DEADLINE_SLACK).toMillis() / 1000.0;
            // A Python program runs in the wrapper's interpreter (one interpreter start per run, as in a
            // warm container), which then starts with python3's own flags; anything else is exec'ed by a
            // minimal wrapper (-S -E: no site, no PYTHON* variables).
            List<String> wrapped = new java.util.ArrayList<>(runsInProcess(command)
                    ? List.of("python3", "-c", DEADLINE_WRAPPER)
                    : List.of("python3", "-S", "-E", "-c", DEADLINE_WRAPPER));
            wrapped.add(Double.toString(seconds));
            wrapped.addAll(command);
            cmd = wrapped;
        }
        long cpuSeconds = cpuSeconds(runLimit, settings.cpus());
        if (raw != null) {
            try {
                return raw.create(createBody(cmd, workDir, volume, cpuSeconds, span, engineInit));
            } catch (NotFoundException e) {
                throw imageMissing(e);
            } catch (RuntimeException e) {
                throw new SandboxException("cannot create the sandbox container: " + e.getMessage(), e);
            }
        }
        long shm = shmBytes(settings.tmpfsBytes());
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withInit(engineInit)
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,noexec,nosuid,nodev,size=" + (settings.tmpfsBytes() - shm)))
                .withShmSize(shm)
                .withLogConfig(new LogConfig(LogConfig.LoggingType.LOCAL,
                        Map.of("max-size", ENGINE_LOG_MAX, "max-file", "1", "compress", "false")))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges", "seccomp=" + (dropProfileForTest ? "unconfined" : seccomp)))
                .withPidsLimit(enginePidsLimit(settings.pids(), Boolean.TRUE.equals(gvisor)))
                .withMemory(settings.memoryBytes())
                .withMemorySwap(settings.memoryBytes())
                .withNanoCPUs((long) (settings.cpus() * 1_000_000_000L))
                .withUlimits(List.of(new Ulimit("fsize", settings.fileSizeBytes(), settings.fileSizeBytes()),
                        new Ulimit("nofile", settings.openFiles(), settings.openFiles()),
                        new Ulimit("core", 0L, 0L), new Ulimit("memlock", 0L, 0L),
                        new Ulimit("cpu", cpuSeconds, cpuSeconds)));
        if (volume != null) {
            // no ":ro" here: the engine would remount the bind read-only with only that flag and
            // drop noexec, nosuid, nodev; the view volume's own mount is already read-only
            host.withBinds(new Bind(volume, new Volume("/work")));
        }
        settings.runtime().ifPresent(host::withRuntime);
        try {
            CreateContainerResponse created = docker.createContainerCmd(settings.image())
                    .withCmd(cmd)
                    .withUser(settings.user())
                    .withWorkingDir(workDir)
                    .withEnv("HOME=/tmp", "PYTHONDONTWRITEBYTECODE=1", "TMPDIR=/tmp")
                    .withLabels(labels(span))
                    .withNetworkDisabled(true)
                    .withStdinOpen(true).withStdInOnce(true)
                    .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                    .withHostConfig(host).exec();
            return created.getId();
        } catch (NotFoundException e) {
            throw imageMissing(e);
        } catch (RuntimeException e) {
            throw new SandboxException("cannot create the sandbox container: " + e.getMessage(), e);
        }
    }

    private SandboxResult runCreated(String id, byte[] stdinBytes, Duration limit, boolean alreadyStarted) {
        if (raw != null) {
            return runCreatedRaw(id, stdinBytes, limit, alreadyStarted);
        }
        CappedBuffer out = new CappedBuffer(settings.outputLimitBytes());
        CappedBuffer err = new CappedBuffer(settings.outputLimitBytes());
        Output attach = null;
        ResultCallback.Adapter<com.github.dockerjava.api.model.Statistics> stats = null;
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong(-1);
        boolean timedOut = false;
        Duration duration;
        Waits waits = new Waits();
        try {
            // Attached before the program starts (a warm bootstrap writes nothing before its stdin
            // arrives), as the Docker CLI does; no replay of the engine's log (logs=false): that
            // copy is capped, and a replay racing the live stream delivered output twice.
            attach = docker.attachContainerCmd(id)
                    .withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false)
                    .exec(new Output(out, err));
            awaitAttached(attach, id);
            long started = System.nanoTime();
            if (!alreadyStarted) {
                docker.startContainerCmd(id).exec();
            }
            // Peak memory as the engine reports it: its stats stream samples about once a second, so
            // a program shorter than that may show no sample (-1).
            stats = docker.statsCmd(id).exec(new ResultCallback.Adapter<>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Statistics s) {
                    com.github.dockerjava.api.model.MemoryStatsConfig m = s.getMemoryStats();
                    if (m != null) {
                        Long max = m.getMaxUsage();
                        Long usage = m.getUsage();
                        long v = max != null && max > 0 ? max : usage != null ? usage : -1;
                        peak.accumulateAndGet(v, Math::max);
                    }
                }
            });
            Thread stdin = threads.newThread(() -> {
                try {
                    dev.bulwark.sandbox.internal.StdinWriter.send(settings.dockerHost(), tlsContext, id, stdinBytes);
                } catch (IOException e) {
                    LOG.debug("stdin of sandbox container {} not delivered: {}", id, e.toString());
                }
            });
            stdin.start();
            try {
                waits.add(docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()))
                        .awaitStatusCode(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (DockerClientException e) {
                timedOut = true;
                try {
                    docker.killContainerCmd(id).exec();
                } catch (RuntimeException ignored) {
                    // already gone
                }
                waits.add(docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()))
                        .awaitStatusCode(30, TimeUnit.SECONDS);
            }
            duration = Duration.ofNanos(System.nanoTime() - started);
            closeQuietly(stats);
            try {
                attach.awaitCompletion(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            // every path, including a failed attach, start or wait: no stream is left open
            closeQuietly(stats);
            closeQuietly(attach);
            waits.closeAll();
        }
        InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
        if (state == null) {
            throw new SandboxException("the engine reported no state for sandbox container " + id);
        }
        Long exitCode = state.getExitCodeLong();
        long exit = exitCode == null ? -1 : exitCode;
        boolean oom = Boolean.TRUE.equals(state.getOOMKilled());
        // the in-container deadline fired first (the JVM was slow to kill): still a timeout; a program that
        // ended by itself just as the deadline passed (exit code not the kill's 137) is not (review 2026-11-27 S2)
        // killed by the JVM at the deadline: a timeout, whatever else the program did (an OOM-killed
        // helper must not turn it into "out of memory, not timed out": review 2026-11-27 session 17, S2)
        timedOut = exit == 137 && (timedOut || !oom && duration.compareTo(limit) >= 0);
        int signal = exit > 128 && exit < 128 + 65 ? (int) (exit - 128) : 0;
        return new SandboxResult(exit, signal, out.text(), err.text(), out.truncated(), err.truncated(), timedOut, oom,
                duration, peak.get() > 0 ? peak.get() : -1, out.total(), err.total());
    }

    /** Whether runs go through the raw Unix-socket client (false: docker-java, for TCP and TLS engines). */
    boolean rawHotPath() {
        return raw != null;
    }

    /** Largest stdin written on the run's watch thread itself: a fresh Unix socket's send buffer takes it without blocking. */
    static final int INLINE_STDIN_BYTES = 16 * 1024;
    /** When the first memory sample is taken (runs shorter than this get none, as with the engine's 1 s stats stream). */
    static final Duration FIRST_MEMORY_SAMPLE = Duration.ofMillis(300);
    /** Interval of the memory samples while a run lasts. */
    static final Duration MEMORY_SAMPLE_INTERVAL = Duration.ofSeconds(1);
    /** How long a killed container may take to end before the run stops waiting for its output. */
    static final Duration KILL_GRACE = Duration.ofSeconds(30);

    /** The create body's fixed part, for one profile (as sent) and one runtime kind. */
    private record CreateTemplate(String seccomp, boolean gvisor, String prefix) {
    }

    /**
     * The body of {@code POST /containers/create}: the same container as docker-java's create below
     * (every limit, the profile, the log cap, the lease); the fixed part is serialised once, only the
     * command, working directory, input volume, CPU-time limit, init and labels per run.
     */
    private byte[] createBody(List<String> cmd, String workDir, String volume, long cpuSeconds, Duration span,
            boolean engineInit) {
        String profile = dropProfileForTest ? "unconfined" : seccomp;
        boolean underGvisor = Boolean.TRUE.equals(gvisor);
        CreateTemplate t = createTemplate;
        if (t == null || !t.seccomp().equals(profile) || t.gvisor() != underGvisor) {
            t = new CreateTemplate(profile, underGvisor, createPrefix(profile, underGvisor));
            createTemplate = t;
        }
        StringBuilder b = new StringBuilder(t.prefix().length() + 512).append(t.prefix());
        b.append("{\"Name\":\"cpu\",\"Soft\":").append(cpuSeconds).append(",\"Hard\":").append(cpuSeconds).append("}]");
        if (volume != null) {
            // no ":ro": see the docker-java path
            b.append(",\"Binds\":[").append(quote(volume + ":/work")).append(']');
        }
        b.append(",\"Init\":").append(engineInit);
        b.append("},\"Cmd\":[");
        for (int i = 0; i < cmd.size(); i++) {
            b.append(i == 0 ? "" : ",").append(quote(cmd.get(i)));
        }
        b.append("],\"WorkingDir\":").append(quote(workDir)).append(",\"Labels\":{");
        boolean first = true;
        for (Map.Entry<String, String> l : labels(span).entrySet()) {
            b.append(first ? "" : ",").append(quote(l.getKey())).append(':').append(quote(l.getValue()));
            first = false;
        }
        return b.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Everything of the create body up to the CPU-time ulimit: image, user, environment, stdio, the host config. */
    private String createPrefix(String profile, boolean underGvisor) {
        long shm = shmBytes(settings.tmpfsBytes());
        Map<String, Object> top = new java.util.LinkedHashMap<>();
        top.put("Image", settings.image());
        top.put("User", settings.user());
        top.put("Env", List.of("HOME=/tmp", "PYTHONDONTWRITEBYTECODE=1", "TMPDIR=/tmp"));
        top.put("NetworkDisabled", true);
        top.put("OpenStdin", true);
        top.put("StdinOnce", true);
        top.put("AttachStdin", true);
        top.put("AttachStdout", true);
        top.put("AttachStderr", true);
        Map<String, Object> host = new java.util.LinkedHashMap<>();
        host.put("NetworkMode", "none");
        host.put("ReadonlyRootfs", true);
        host.put("Tmpfs", Map.of("/tmp", "rw,noexec,nosuid,nodev,size=" + (settings.tmpfsBytes() - shm)));
        host.put("ShmSize", shm);
        host.put("LogConfig", Map.of("Type", "local",
                "Config", Map.of("max-size", ENGINE_LOG_MAX, "max-file", "1", "compress", "false")));
        host.put("CapDrop", List.of("ALL"));
        host.put("SecurityOpt", List.of("no-new-privileges", "seccomp=" + profile));
        host.put("PidsLimit", enginePidsLimit(settings.pids(), underGvisor));
        host.put("Memory", settings.memoryBytes());
        host.put("MemorySwap", settings.memoryBytes());
        host.put("NanoCpus", (long) (settings.cpus() * 1_000_000_000L));
        settings.runtime().ifPresent(r -> host.put("Runtime", r));
        List<Map<String, Object>> ulimits = List.of(
                Map.of("Name", "fsize", "Soft", settings.fileSizeBytes(), "Hard", settings.fileSizeBytes()),
                Map.of("Name", "nofile", "Soft", settings.openFiles(), "Hard", settings.openFiles()),
                Map.of("Name", "core", "Soft", 0, "Hard", 0), Map.of("Name", "memlock", "Soft", 0, "Hard", 0));
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            String topJson = json.writeValueAsString(top);
            String hostJson = json.writeValueAsString(host);
            String limits = json.writeValueAsString(ulimits);
            return topJson.substring(0, topJson.length() - 1) + ",\"HostConfig\":" + hostJson.substring(0, hostJson.length() - 1)
                    + ",\"Ulimits\":" + limits.substring(0, limits.length() - 1) + ",";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SandboxException("cannot serialise the sandbox container's settings: " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /**
     * The hot path over the engine's Unix socket: one attach for stdin, stdout and stderr (made
     * before the start, as the CLI does), the start, the output demultiplexed into the capped
     * buffers until the container's streams close, then one inspect for the exit code and the OOM
     * flag (a wait only when the streams closed before the container ended). A watch thread writes
     * stdin, samples the memory while the run lasts, kills the container at the deadline and, if
     * the engine still has not ended it {@link #KILL_GRACE} later, closes the connections.
     */
    private SandboxResult runCreatedRaw(String id, byte[] stdinBytes, Duration limit, boolean alreadyStarted) {
        CappedBuffer out = new CappedBuffer(settings.outputLimitBytes());
        CappedBuffer err = new CappedBuffer(settings.outputLimitBytes());
        dev.bulwark.sandbox.internal.EngineClient.Attached attach = raw.attach(id);
        RunWatch watch = null;
        try {
            long started = System.nanoTime();
            if (!alreadyStarted) {
                raw.start(id);
            }
            watch = new RunWatch(id, attach, stdinBytes, started + limit.toNanos());
            threads.newThread(watch).start();
            try {
                attach.reader().demux((stream, data, off, len) -> (stream == 2 ? err : out).append(data, off, len));
            } catch (IOException e) {
                if (!watch.abandoned) {
                    throw new SandboxException("the output stream of sandbox container " + id + " broke: "
                            + e.getMessage(), e);
                }
            }
            dev.bulwark.sandbox.internal.EngineClient.State state = raw.inspect(id);
            if (state.running() && !watch.abandoned) {
                // every process closed its stdout and stderr but the container still runs: wait for its end
                java.nio.channels.SocketChannel channel = raw.connect();
                watch.alsoClose(channel);
                try {
                    raw.await(channel, id);
                } catch (IOException e) {
                    if (!watch.abandoned) {
                        throw new SandboxException("waiting for sandbox container " + id + " failed: " + e.getMessage(), e);
                    }
                } finally {
                    closeQuietly(channel);
                }
                state = raw.inspect(id);
            }
            Duration duration = Duration.ofNanos(System.nanoTime() - started);
            watch.finish();
            long exit = state.running() ? -1 : state.exitCode();
            boolean oom = state.oomKilled();
            // a program that ended by itself just as the deadline passed is not a timeout (review 2026-11-27 S2)
            boolean timedOut = exit == 137 && (watch.killed || !oom && duration.compareTo(limit) >= 0);
            int signal = exit > 128 && exit < 128 + 65 ? (int) (exit - 128) : 0;
            long peak = watch.peak.get();
            return new SandboxResult(exit, signal, out.text(), err.text(), out.truncated(), err.truncated(), timedOut,
                    oom, duration, peak > 0 ? peak : -1, out.total(), err.total());
        } finally {
            // every path: the watch stops, stdin and output connections close
            if (watch != null) {
                watch.finish();
            }
            attach.close();
        }
    }

    /** A run's second thread on the raw path: stdin, memory samples, the deadline. */
    private final class RunWatch implements Runnable {
        private final String id;
        private final dev.bulwark.sandbox.internal.EngineClient.Attached attach;
        private final byte[] stdin;
        private final long deadline;
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong(-1);
        private final List<java.io.Closeable> extra = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** The deadline passed and the container was killed. */
        volatile boolean killed;
        /** The killed container did not end within the grace: the run's connections were closed. */
        volatile boolean abandoned;
        /** The connection of the memory sample in flight, or null. */
        private volatile java.nio.channels.SocketChannel sampling;

        RunWatch(String id, dev.bulwark.sandbox.internal.EngineClient.Attached attach, byte[] stdin, long deadline) {
            this.id = id;
            this.attach = attach;
            this.stdin = stdin;
            this.deadline = deadline;
        }

        void finish() {
            done.countDown();
            closeQuietly(sampling); // a stats answer still awaited is not waited for
        }

        /** Another connection of the run, closed with the attach when the run is abandoned. */
        void alsoClose(java.io.Closeable channel) {
            extra.add(channel);
            if (abandoned) {
                closeQuietly(channel);
            }
        }

        private boolean finished(long nanos) {
            try {
                return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        @Override
        public void run() {
            if (stdin.length <= INLINE_STDIN_BYTES) {
                sendStdin();
            } else {
                threads.newThread(this::sendStdin).start(); // may block while the program does not read
            }
            long firstSample = System.nanoTime() + FIRST_MEMORY_SAMPLE.toNanos();
            if (firstSample < deadline) {
                if (finished(firstSample - System.nanoTime())) {
                    return;
                }
                // the samples on their own thread: a slow stats answer never delays the kill (review 2026-11-27 S1)
                threads.newThread(this::sampleMemory).start();
            }
            if (finished(deadline - System.nanoTime())) {
                return;
            }
            killed = true;
            try {
                raw.kill(id);
            } catch (RuntimeException e) {
                LOG.debug("killing sandbox container {} at its deadline failed: {}", id, e.toString());
            }
            if (finished(KILL_GRACE.toNanos())) {
                return;
            }
            abandoned = true;
            LOG.warn("Sandbox container {} did not end within {} s of its kill; its run ends without waiting further",
                    id, KILL_GRACE.toSeconds());
            attach.close();
            extra.forEach(DockerSandboxRuntime::closeQuietly);
            closeQuietly(sampling);
        }

        /** Samples the memory until the run ends; {@link #finish()} closes a sample still waiting for its answer. */
        private void sampleMemory() {
            do {
                java.nio.channels.SocketChannel channel;
                try {
                    channel = raw.connect();
                } catch (RuntimeException e) {
                    LOG.debug("memory sample of sandbox container {} failed: {}", id, e.toString());
                    return;
                }
                sampling = channel;
                try {
                    if (done.getCount() > 0) { // else finish() may have looked before this channel was set
                        peak.accumulateAndGet(raw.memoryPeak(channel, id), Math::max);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("memory sample of sandbox container {} failed: {}", id, e.toString());
                } finally {
                    sampling = null;
                    closeQuietly(channel);
                }
            } while (!finished(MEMORY_SAMPLE_INTERVAL.toNanos()));
        }

        private void sendStdin() {
            try {
                attach.sendStdin(stdin);
            } catch (IOException e) {
                LOG.debug("stdin of sandbox container {} not delivered: {}", id, e.toString());
            }
        }
    }

    /** The wait streams of one run (a wait that timed out stays open until closed). */
    private static final class Waits {
        private final List<WaitContainerResultCallback> open = new java.util.ArrayList<>();

        WaitContainerResultCallback add(WaitContainerResultCallback wait) {
            open.add(wait);
            return wait;
        }

        void closeAll() {
            open.forEach(DockerSandboxRuntime::closeQuietly);
        }
    }

    /** The attach stream's frames into the two capped buffers; remembers the engine's error. */
    private static final class Output extends ResultCallback.Adapter<Frame> {
        private final CappedBuffer out;
        private final CappedBuffer err;
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        Output(CappedBuffer out, CappedBuffer err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onNext(Frame frame) {
            (frame.getStreamType() == StreamType.STDERR ? err : out).append(frame.getPayload());
        }

        @Override
        public void onError(Throwable throwable) {
            failure.compareAndSet(null, throwable);
            super.onError(throwable);
        }
    }

    /** Waits for the attach stream; an engine error (the container is gone...) is thrown as it is. */
    private static void awaitAttached(Output attach, String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (!attach.awaitStarted(50, TimeUnit.MILLISECONDS)) {
                Throwable failed = attach.failure.get();
                if (failed instanceof RuntimeException e) {
                    throw e; // e.g. NotFoundException: reported as a container that disappeared
                }
                if (failed != null || System.nanoTime() > deadline) {
                    throw new SandboxException("could not attach to the output of sandbox container " + id
                            + (failed == null ? " within 10 s" : ": " + failed), failed);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while attaching to sandbox container " + id, e);
        }
    }

    private static void closeQuietly(java.io.Closeable stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a stream of a finished sandbox container: {}", e.toString());
        }
    }

    private void remove(String id) {
        if (raw != null) {
            try {
                raw.remove(id);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove sandbox container {}: {} (it will be reaped at next start)", id, e.getMessage());
            }
            return;
        }
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException ignored) {
            // already removed
        } catch (RuntimeException e) {
            LOG.warn("Could not remove sandbox container {}: {} (it will be reaped at next start)", id, e.getMessage());
        }
    }

    static byte[] tar(Map<String, byte[]> files, String user) {
        String[] ids = user.split(":");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR); // large uids in the header itself
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
                entry.setSize(f.getValue().length);
                entry.setMode(0444);
                entry.setIds(Integer.parseInt(ids[0]), Integer.parseInt(ids[1]));
                tar.putArchiveEntry(entry);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new SandboxException("cannot pack the input files: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Stops the warm pool and removes its idle containers; runs in flight finish first (the engine
     * connection closes after the last of them). Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        java.util.concurrent.ExecutorService w = background;
        if (w != null) {
            w.shutdown();
            try {
                w.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Warm idle = warm.poll(); idle != null; idle = warm.poll()) {
            remove(idle.id());
        }
        if (metrics != null && metrics.getGauges().get(WARM_READY_METRIC) == warmReady) {
            metrics.remove(WARM_READY_METRIC);
        }
        releaseClient();
    }
}
