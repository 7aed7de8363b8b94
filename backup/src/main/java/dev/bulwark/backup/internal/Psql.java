package dev.bulwark.backup.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PostgreSQL session held by a {@code psql} process that reads statements from a pipe: the
 * session that exports the dump's snapshot and keeps it open while {@code pg_dump} runs, and the
 * command line's advisory lock. A libpq client like {@code pg_dump} itself, so a backup needs no
 * JDBC driver (whose first connection costs a short-lived JVM about 0.4 CPU-s: its classes and
 * SCRAM-SHA-256 run interpreted); connection settings and the password come through the
 * environment ({@code PGHOST}, {@code PGPASSWORD}...), never the command line.
 *
 * <p>Each {@link #query} sends one statement and an {@code \echo} of an end marker, and reads
 * the lines up to the marker. psql runs with {@code ON_ERROR_STOP}: after an error (or a failed
 * connection) it prints the message and exits, so a missing marker means failure, and the message
 * is in what was read (stderr is merged into stdout: no helper thread). When the JVM dies, psql
 * reads the end of its input and exits: the server ends the session, releasing its lock and
 * snapshot.
 */
public final class Psql implements AutoCloseable {
    private static final int OUTPUT_CAP = 16 * 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Psql.class);

    private final Process process;
    private final String executable;
    private final Writer in;
    private final BufferedReader out;
    private final String marker;
    private boolean ended;

    private Psql(Process process, String executable) {
        this.process = process;
        this.executable = executable;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.marker = "--bulwark-end-" + Long.toHexString(System.nanoTime());
    }

    /**
     * Starts psql; it connects while the caller goes on (the first {@link #query} waits for it).
     *
     * @param executable the psql executable ({@code BACKUP_PSQL})
     * @param env connection settings ({@code PGHOST}, {@code PGPORT}, {@code PGUSER},
     *     {@code PGDATABASE}, {@code PGPASSWORD}, TLS)
     * @return the session
     * @throws IOException naming {@code BACKUP_PSQL} when psql cannot be started
     */
    public static Psql start(String executable, Map<String, String> env) throws IOException {
        List<String> command = List.of(executable, "--no-psqlrc", "--quiet", "--no-align", "--tuples-only",
                "--no-password", "--set=ON_ERROR_STOP=1");
        Map<String, String> all = new HashMap<>(env);
        all.put("PGCLIENTENCODING", "UTF8");
        all.putIfAbsent("PGAPPNAME", "bulwark-backup");
        Process p;
        try {
            p = Tool.startConversation(command, all);
        } catch (IOException e) {
            throw new IOException(executable + " could not be started (" + e.getMessage() + "); install PostgreSQL's"
                    + " client tools (psql comes with pg_dump) or point BACKUP_PSQL at it", e);
        }
        LOG.debug("timeline: psql started");
        return new Psql(p, executable);
    }

    /**
     * Runs one statement and returns the lines it printed (one per row, fields separated by
     * {@code |}).
     *
     * @param sql one SQL statement ending with {@code ;} (or a psql command line)
     * @return its output lines
     * @throws IOException with psql's message when the statement or the connection failed
     */
    public List<String> query(String sql) throws IOException {
        if (ended) {
            throw new IOException(executable + " session already ended");
        }
        try {
            in.write(sql);
            in.write("\n\\echo " + marker + "\n");
            in.flush();
        } catch (IOException e) {
            // psql already exited (a failed connection): its message is in its output
            throw failure(new ArrayList<>(), e);
        }
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals(marker)) {
                return lines;
            }
            lines.add(line);
        }
        throw failure(lines, null);
    }

    /**
     * Runs one statement that prints one value.
     *
     * @param sql the statement
     * @return the value
     * @throws IOException when it failed or printed something else than one line
     */
    public String value(String sql) throws IOException {
        List<String> lines = query(sql);
        if (lines.size() != 1) {
            throw new IOException(executable + ": expected one value from '" + sql + "', got " + lines);
        }
        return lines.get(0);
    }

    private IOException failure(List<String> lines, IOException cause) throws IOException {
        ended = true;
        StringBuilder text = new StringBuilder(String.join("\n", lines));
        char[] buf = new char[4096];
        int n;
        try {
            while (text.length() < OUTPUT_CAP && (n = out.read(buf)) >= 0) {
                text.append(buf, 0, n);
            }
        } catch (IOException ignored) {
            // what was read so far is the message
        }
        int exit = -1;
        try {
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                exit = process.exitValue();
            } else {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        String message = text.toString().strip().replaceAll("(?m)^psql:<stdin>:\\d+: ", "");
        return new IOException(executable + " failed" + (exit >= 0 ? " with exit code " + exit : "")
                + (message.isEmpty() ? "" : ": " + message), cause);
    }

    /**
     * Ends the session (psql quits, the server ends the transaction and frees its session locks)
     * and waits for psql to exit.
     */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            try {
                in.write("\\q\n");
                in.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing left to read
        }
    }
}
