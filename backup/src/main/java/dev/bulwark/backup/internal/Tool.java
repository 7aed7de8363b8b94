package dev.bulwark.backup.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external tool (pg_dump, pg_restore) with its stdout or stdin streamed, and its stderr
 * kept (capped) for error messages. Secrets go through the environment, never the command line.
 */
public final class Tool {
    private static final int STDERR_CAP = 16 * 1024;
    private static final int COPY_BUFFER = 256 * 1024;

    private Tool() {
    }

    /**
     * Runs the command; copies its stdout to {@code out} (if given) and {@code in} to its stdin (if given).
     *
     * @param command executable and arguments
     * @param env extra environment
     * @param in what to feed to stdin, or null for none
     * @param out where stdout goes, or null to keep it (returned)
     * @param threads where the pumps of stderr (and of stdout while stdin is fed) come from
     * @return stdout when {@code out} is null, else empty
     * @throws IOException naming the tool with its exit code and stderr when it fails or is missing
     */
    public static String run(List<String> command, Map<String, String> env, InputStream in, OutputStream out,
            ThreadFactory threads) throws IOException {
        return run(command, env, in, out, threads, Tool::copy);
    }

    /** Copies a tool's stdout into the caller's stream. */
    @FunctionalInterface
    public interface Pump {
        /**
         * Copies everything from {@code stdout} into {@code out}.
         *
         * @param stdout the tool's output, to be read to its end
         * @param out where it goes
         * @throws IOException from either stream
         */
        void copy(InputStream stdout, OutputStream out) throws IOException;
    }

    /**
     * Like {@link #run(List, Map, InputStream, OutputStream, ThreadFactory)}, with stdout copied
     * into {@code out} by {@code pump} (which may look at the bytes on the way).
     *
     * @param command executable and arguments
     * @param env extra environment
     * @param in what to feed to stdin, or null for none
     * @param out where stdout goes, or null to keep it (returned)
     * @param threads where the pumps of stderr (and of stdout while stdin is fed) come from
     * @param pump copies stdout into {@code out}
     * @return stdout when {@code out} is null, else empty
     * @throws IOException naming the tool with its exit code and stderr when it fails or is missing
     */
    public static String run(List<String> command, Map<String, String> env, InputStream in, OutputStream out,
            ThreadFactory threads, Pump pump) throws IOException {
        if (in == null) {
            try (Running running = start(command, env, threads)) {
                return running.finish(out, pump);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = start(pb, command);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = drain(p.getErrorStream(), err, threads);
        ByteArrayOutputStream kept = out == null ? new ByteArrayOutputStream() : null;
        Thread outReader = drain(p.getInputStream(), kept == null ? OutputStream.nullOutputStream() : kept, threads);
        IOException failure = null;
        try (OutputStream stdin = p.getOutputStream()) {
            copy(in, stdin);
        } catch (IOException e) {
            failure = e;
        }
        return waitAndCheck(p, command, err, errReader, outReader, failure, kept);
    }

    /**
     * Starts a tool that reads nothing (stdin is {@code /dev/null}), with its stderr kept for the
     * error message; its stdout is read by {@link Running#finish}. Lets the caller do other work
     * while the tool connects and reads the catalog.
     *
     * @param command executable and arguments
     * @param env extra environment
     * @param threads where the pump of stderr comes from
     * @return the running tool; close it to stop it if {@link Running#finish} is never called
     * @throws IOException naming the tool when it cannot be started
     */
    public static Running start(List<String> command, Map<String, String> env, ThreadFactory threads)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = start(pb, command);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        return new Running(p, command, err, drain(p.getErrorStream(), err, threads));
    }

    /** A tool started by {@link #start}, whose stdout is still to be read. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final List<String> command;
        private final ByteArrayOutputStream err;
        private final Thread errReader;
        private boolean finished;

        private Running(Process process, List<String> command, ByteArrayOutputStream err, Thread errReader) {
            this.process = process;
            this.command = command;
            this.err = err;
            this.errReader = errReader;
        }

        /**
         * Copies the tool's stdout into {@code out} with {@code pump} (or keeps it when {@code out}
         * is null), waits for the tool to end and checks its exit code.
         *
         * @param out where stdout goes, or null to keep it (returned)
         * @param pump copies stdout into {@code out}
         * @return stdout when {@code out} is null, else empty
         * @throws IOException naming the tool with its exit code and stderr when it fails
         */
        public String finish(OutputStream out, Pump pump) throws IOException {
            finished = true;
            ByteArrayOutputStream kept = out == null ? new ByteArrayOutputStream() : null;
            IOException failure = null;
            try (InputStream stdout = process.getInputStream()) {
                if (out == null) {
                    copy(stdout, kept);
                } else {
                    pump.copy(stdout, out);
                }
            } catch (IOException e) {
                process.destroyForcibly();
                failure = e;
            }
            return waitAndCheck(process, command, err, errReader, null, failure, kept);
        }

        /** Stops the tool if its output was never read (a failure before the stream began). */
        @Override
        public void close() {
            if (!finished) {
                finished = true;
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static String waitAndCheck(Process p, List<String> command, ByteArrayOutputStream err, Thread errReader,
            Thread outReader, IOException failure, ByteArrayOutputStream kept) throws IOException {
        int exit;
        try {
            exit = p.waitFor();
            errReader.join(TimeUnit.SECONDS.toMillis(10));
            if (outReader != null) {
                outReader.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(command.get(0) + " interrupted", e);
        }
        String stderr;
        synchronized (err) {
            stderr = err.toString(StandardCharsets.UTF_8).strip();
        }
        if (exit != 0) {
            throw new IOException(command.get(0) + " failed with exit code " + exit
                    + (stderr.isEmpty() ? "" : ": " + stderr), failure);
        }
        if (failure != null) {
            throw new IOException(command.get(0) + " stream failed: " + failure.getMessage(), failure);
        }
        return kept == null ? "" : kept.toString(StandardCharsets.UTF_8);
    }

    /**
     * Copies a stream with a large buffer: fewer, larger writes into the compressor (one JNI call
     * per buffer) than {@link InputStream#transferTo}'s 8 KiB.
     *
     * @param in source (not closed)
     * @param out sink (not closed)
     * @return bytes copied
     * @throws IOException from either stream
     */
    public static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    /**
     * Runs a short command that reads nothing (such as {@code pg_dump --version}) and returns its
     * output, stderr merged into stdout: no helper thread.
     *
     * @param command executable and arguments
     * @return what it printed
     * @throws IOException naming the tool with its exit code and output when it fails or is missing
     */
    public static String output(List<String> command) throws IOException {
        return startOutput(command).await();
    }

    /**
     * Starts a short command like {@link #output}, whose output is read later: the caller does
     * other work (a round trip to the server) while it runs.
     *
     * @param command executable and arguments
     * @return the running command
     * @throws IOException naming the tool when it cannot be started
     */
    static Output startOutput(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new Output(start(pb, command), command);
    }

    /** A short command started by {@link #startOutput}. */
    static final class Output {
        private final Process p;
        private final List<String> command;

        Output(Process p, List<String> command) {
            this.p = p;
            this.command = command;
        }

        /**
         * Reads what the command printed and waits for it to end.
         *
         * @return what it printed
         * @throws IOException naming the tool with its exit code and output when it failed
         */
        String await() throws IOException {
            String text;
            try (InputStream stdout = p.getInputStream()) {
                text = new String(stdout.readNBytes(STDERR_CAP), StandardCharsets.UTF_8);
                stdout.transferTo(OutputStream.nullOutputStream());
            }
            int exit;
            try {
                exit = p.waitFor();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(command.get(0) + " interrupted", e);
            }
            if (exit != 0) {
                throw new IOException(command.get(0) + " failed with exit code " + exit + ": " + text.strip());
            }
            return text;
        }

        /** Stops the command when its output is not wanted any more. */
        void abandon() {
            p.destroyForcibly();
        }
    }

    private static Thread drain(InputStream from, OutputStream to, ThreadFactory threads) {
        Thread t = threads.newThread(() -> {
            byte[] buf = new byte[8192];
            try (from) {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    synchronized (to) {
                        if (!(to instanceof ByteArrayOutputStream) || ((ByteArrayOutputStream) to).size() < STDERR_CAP) {
                            to.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process went away; its exit code tells the story
            }
        });
        t.start();
        return t;
    }

    /**
     * Starts a tool whose stdin and stdout the caller talks through (psql), stderr merged into
     * stdout: no helper thread.
     *
     * @param command executable and arguments
     * @param env extra environment
     * @return the process
     * @throws IOException when it cannot be started (the caller names its setting)
     */
    static Process startConversation(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static Process start(ProcessBuilder pb, List<String> command) throws IOException {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " could not be started (" + e.getMessage()
                    + "); install it or point the setting at it (BACKUP_PG_DUMP / BACKUP_PG_RESTORE / BACKUP_PSQL)", e);
        }
    }
}
