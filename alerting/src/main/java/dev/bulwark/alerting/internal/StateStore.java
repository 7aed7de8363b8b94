package dev.bulwark.alerting.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/** Where the engine keeps its alert state across restarts: one JSON document per key. */
public interface StateStore {

    /**
     * The document last saved under a key.
     *
     * @param key the key
     * @return the document, empty when none
     * @throws UncheckedIOException when the store cannot be read
     */
    Optional<String> load(String key);

    /**
     * Every document whose key starts with a prefix.
     *
     * @param prefix the key prefix
     * @return key to document
     * @throws UncheckedIOException when the store cannot be read
     */
    java.util.Map<String, String> loadAll(String prefix);

    /**
     * Saves a document under a key, replacing the previous one atomically.
     *
     * @param key the key
     * @param document the JSON document
     * @throws UncheckedIOException when the store cannot be written
     */
    void save(String key, String document);

    /**
     * Deletes the document under a key, if any.
     *
     * @param key the key
     * @throws UncheckedIOException when the store cannot be written
     */
    void delete(String key);

    /**
     * Deletes the documents under a prefix that were last saved longer ago than an age, by the
     * store's own clock (the database's, the file system's): the state of replicas that are gone.
     *
     * @param prefix the key prefix
     * @param age how long ago at least
     * @return how many were deleted
     * @throws UncheckedIOException when the store cannot be written
     */
    int deleteOlderThan(String prefix, java.time.Duration age);

    /**
     * A store in the service's database: table {@code bulwark_alert_state}, created when missing
     * (PostgreSQL and H2).
     *
     * @param dataSource the database
     * @return the store
     */
    static StateStore jdbc(DataSource dataSource) {
        return new Jdbc(dataSource, Jdbc.NETWORK_TIMEOUT);
    }

    /**
     * A store in files under a directory (written to a temporary file, then moved into place).
     *
     * @param directory the directory, created when missing
     * @return the store
     */
    static StateStore files(Path directory) {
        return new Files0(directory);
    }

    /** The JDBC store. */
    final class Jdbc implements StateStore {
        /**
         * The longest wait for the database's answer on one of the store's connections: without it
         * a read on a half-open connection (a partition that swallows packets, a frozen server)
         * waits for ever, since pgjdbc's socket timeout is off by default, and the engine never
         * reads the silences again (review 2026-11-26b, A1). Its statements are single-row or
         * prefix reads and writes, far below this.
         */
        static final java.time.Duration NETWORK_TIMEOUT = java.time.Duration.ofSeconds(30);

        private final DataSource dataSource;
        private final int networkTimeoutMillis;
        private volatile boolean created;

        Jdbc(DataSource dataSource, java.time.Duration networkTimeout) {
            this.dataSource = dataSource;
            this.networkTimeoutMillis = (int) networkTimeout.toMillis();
        }

        /**
         * A connection of the store: auto-commit, the table created, and every wait for the server
         * bounded (HikariCP restores the pool's own network timeout when it is returned).
         */
        private Connection open() throws SQLException {
            Connection c = dataSource.getConnection();
            try {
                try {
                    c.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
                } catch (java.sql.SQLFeatureNotSupportedException e) {
                    // a driver without socket timeouts (an embedded database): nothing to bound
                }
                c.setAutoCommit(true);
                create(c);
                return c;
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }

        private void create(Connection c) throws SQLException {
            if (!created) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS bulwark_alert_state (state_key VARCHAR(300) PRIMARY KEY, "
                            + "body TEXT NOT NULL, updated_at TIMESTAMP NOT NULL)");
                } catch (SQLException e) {
                    // PostgreSQL's IF NOT EXISTS is not atomic: a replica creating it at the same moment wins,
                    // and this one is told so as a unique violation (23505), a duplicate table (42P07) or
                    // a duplicate row type (42710, "type ... already exists").
                    if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())
                            && !"42710".equals(e.getSQLState())) {
                        throw e;
                    }
                }
                created = true;
            }
        }

        @Override
        public Optional<String> load(String key) {
            try (Connection c = open()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT body FROM bulwark_alert_state WHERE state_key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                    }
                }
            } catch (SQLException e) {
                throw new UncheckedIOException(new IOException("cannot read alert state '" + key + "': " + e.getMessage(), e));
            }
        }

        @Override
        public java.util.Map<String, String> loadAll(String prefix) {
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            try (Connection c = open()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT state_key, body FROM bulwark_alert_state WHERE state_key LIKE ? ESCAPE '!' ORDER BY state_key")) {
                    ps.setString(1, prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new UncheckedIOException(new IOException("cannot read alert state '" + prefix + "*': " + e.getMessage(), e));
            }
            return out;
        }

        @Override
        public void save(String key, String document) {
            try (Connection c = open()) {
                boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
                        .contains("postgres");
                String sql = postgres
                        ? "INSERT INTO bulwark_alert_state (state_key, body, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP) "
                                + "ON CONFLICT (state_key) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at"
                        : "MERGE INTO bulwark_alert_state (state_key, body, updated_at) KEY (state_key) "
                                + "VALUES (?, ?, CURRENT_TIMESTAMP)";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, key);
                    ps.setString(2, document);
                    ps.executeUpdate();
                }
            } catch (SQLException e) {
                throw new UncheckedIOException(new IOException("cannot save alert state '" + key + "': " + e.getMessage(), e));
            }
        }

        @Override
        public int deleteOlderThan(String prefix, java.time.Duration age) {
            try (Connection c = open()) {
                // the database's clock on both sides: updated_at is written as CURRENT_TIMESTAMP
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM bulwark_alert_state WHERE state_key LIKE ? "
                        + "ESCAPE '!' AND updated_at < LOCALTIMESTAMP - CAST(? AS INTEGER) * INTERVAL '1' SECOND")) {
                    ps.setString(1, prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                    ps.setInt(2, Math.toIntExact(age.toSeconds()));
                    return ps.executeUpdate();
                }
            } catch (SQLException e) {
                throw new UncheckedIOException(new IOException("cannot delete old alert state '" + prefix + "*': "
                        + e.getMessage(), e));
            }
        }

        @Override
        public void delete(String key) {
            try (Connection c = open()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM bulwark_alert_state WHERE state_key = ?")) {
                    ps.setString(1, key);
                    ps.executeUpdate();
                }
            } catch (SQLException e) {
                throw new UncheckedIOException(new IOException("cannot delete alert state '" + key + "': " + e.getMessage(), e));
            }
        }
    }

    /** The file store. */
    final class Files0 implements StateStore {
        private final Path directory;

        Files0(Path directory) {
            this.directory = directory;
            if (Files.isDirectory(directory)) {
                try (java.util.stream.Stream<Path> files = Files.list(directory)) {
                    for (Path f : files.toList()) {
                        String name = String.valueOf(f.getFileName());
                        // left by a process killed mid-save; a minute old, so not one another engine
                        // sharing the directory is writing right now
                        if (name.startsWith(".alert-state-") && name.endsWith(".tmp") && Files.getLastModifiedTime(f)
                                .toInstant().isBefore(java.time.Instant.now().minus(java.time.Duration.ofMinutes(1)))) {
                            Files.deleteIfExists(f);
                        }
                    }
                } catch (IOException e) {
                    // only leftovers; saving reports real trouble
                }
            }
        }

        private static String baseName(String key) {
            return "alert-state-" + key.replaceAll("[^A-Za-z0-9._-]", "_");
        }

        private Path file(String key) {
            return directory.resolve(baseName(key) + ".json");
        }

        @Override
        public Optional<String> load(String key) {
            Path f = file(key);
            try {
                return Files.exists(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8)) : Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public java.util.Map<String, String> loadAll(String prefix) {
            java.util.Map<String, String> out = new java.util.TreeMap<>();
            String start = baseName(prefix);
            if (!Files.isDirectory(directory)) {
                return out;
            }
            try (java.util.stream.Stream<Path> files = Files.list(directory)) {
                for (Path f : files.toList()) {
                    String name = String.valueOf(f.getFileName());
                    if (name.startsWith(start) && name.endsWith(".json")) {
                        out.put(name, Files.readString(f, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        @Override
        public void save(String key, String document) {
            try {
                Files.createDirectories(directory);
                Path tmp = Files.createTempFile(directory, ".alert-state-", ".tmp");
                boolean moved = false;
                try {
                    Files.writeString(tmp, document, StandardCharsets.UTF_8);
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                            java.nio.file.StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    try {
                        Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING);
                    }
                    moved = true;
                } finally {
                    if (!moved) {
                        Files.deleteIfExists(tmp); // a full disk must not collect one partial file per evaluation
                    }
                }
                try (java.nio.channels.FileChannel dir = java.nio.channels.FileChannel.open(directory,
                        java.nio.file.StandardOpenOption.READ)) {
                    dir.force(true); // the rename itself survives a power loss
                } catch (IOException e) {
                    // a file system that cannot sync a directory: the file itself is synced
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int deleteOlderThan(String prefix, java.time.Duration age) {
            String start = baseName(prefix);
            if (!Files.isDirectory(directory)) {
                return 0;
            }
            java.time.Instant before = java.time.Instant.now().minus(age); // the file system's clock, as its times
            int deleted = 0;
            try (java.util.stream.Stream<Path> files = Files.list(directory)) {
                for (Path f : files.toList()) {
                    String name = String.valueOf(f.getFileName());
                    if (name.startsWith(start) && name.endsWith(".json")
                            && Files.getLastModifiedTime(f).toInstant().isBefore(before) && Files.deleteIfExists(f)) {
                        deleted++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return deleted;
        }

        @Override
        public void delete(String key) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
