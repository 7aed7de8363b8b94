package dev.bulwark.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, in a temporary directory on a free loopback port, that
 * the test may kill ({@link #kill()}) and start again ({@link #start()}) — for fault tests that
 * must not disturb the shared test database. Trust authentication, user {@code bulwark}.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private static final Path PG_LIB = Path.of("/usr/lib/postgresql");

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgresUser;

    private ThrowawayPostgres(Path bin, Path dataDir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Creates a cluster ({@code initdb}) and starts it.
     *
     * @return the running server
     * @throws IOException when the binaries are missing or a command fails (its output is in the message)
     */
    public static ThrowawayPostgres create() throws IOException {
        Path bin = serverBin().orElseThrow(() -> new IOException("no PostgreSQL server binaries under " + PG_LIB));
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("bulwark-pg-");
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(bin, dir, port, root);
        pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "bulwark",
                "--auth=trust", "-E", "UTF8", "--no-sync"));
        pg.start();
        return pg;
    }

    /** Whether this process can run a throwaway server here. */
    static Availability probe() {
        Optional<Path> bin = serverBin();
        if (bin.isEmpty()) {
            return Availability.down(Service.PG_SERVER, "no initdb/pg_ctl under " + PG_LIB + " (package postgresql)");
        }
        if ("root".equals(System.getProperty("user.name")) && !Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
            return Availability.down(Service.PG_SERVER, "running as root without runuser to drop to the postgres user");
        }
        return Availability.up(Service.PG_SERVER, "server binaries in " + bin.get());
    }

    private static Optional<Path> serverBin() {
        if (!Files.isDirectory(PG_LIB)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(PG_LIB)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(ThrowawayPostgres::versionOf));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path bin) {
        Path parent = bin.getParent();
        Path version = parent == null ? null : parent.getFileName();
        if (version == null) {
            return 0;
        }
        try {
            return Integer.parseInt(version.toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** JDBC URL of the server's {@code postgres} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The superuser to connect as (trust authentication: no password). */
    public String user() {
        return "bulwark";
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /**
     * Starts (or restarts) the server and waits until it accepts connections.
     *
     * @throws IOException when pg_ctl fails
     */
    public void start() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.resolve("data").toString(), "-l",
                dataDir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
    }

    /**
     * Kills the server the way a crash would ({@code pg_ctl stop -m immediate}): clients see their
     * connections drop and new ones refused.
     *
     * @throws IOException when pg_ctl fails
     */
    public void kill() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.resolve("data").toString(), "-m", "immediate",
                "-w", "stop"));
    }

    /** Stops the server if it runs and deletes its files. */
    @Override
    public void close() throws IOException {
        try {
            kill();
        } catch (IOException ignored) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", full));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", full), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", full) + "' exited " + process.exitValue() + ": " + output);
        }
    }
}
