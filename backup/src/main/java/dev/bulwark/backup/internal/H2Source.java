package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.RestoreTarget;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * An H2 database backed up online with H2's {@code SCRIPT} (a SQL script, streamed row by row)
 * and restored with {@code RUNSCRIPT}; the scratch target of a restore test is an in-memory H2.
 */
public final class H2Source implements BackupSource {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String jdbcUrl;
    private final String user;
    private final String password;

    /**
     * An H2 source dumped with SCRIPT.
     *
     * @param jdbcUrl {@code jdbc:h2:...} URL of the database
     * @param user user
     * @param password password (may be empty)
     */
    public H2Source(String jdbcUrl, String user, String password) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("the H2 URL must start with jdbc:h2:, got '" + jdbcUrl + "'");
        }
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
    }

    @Override
    public String kind() {
        return "h2";
    }

    @Override
    public String name() {
        int semi = jdbcUrl.indexOf(';');
        return semi < 0 ? jdbcUrl : jdbcUrl.substring(0, semi);
    }

    @Override
    public Map<String, String> toolVersions() {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            return Map.of("h2", c.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            throw new BackupException("cannot connect to H2 " + name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Long> dump(OutputStream out) throws IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Map<String, Long> counts = countRows(c);
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery("SCRIPT")) {
                    while (rs.next()) {
                        w.write(rs.getString(1));
                        w.write('\n');
                    }
                }
            }
            w.flush();
            c.commit();
            return counts;
        } catch (SQLException e) {
            throw new IOException("H2 " + name() + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Long> countRows(Connection c) throws SQLException {
        return RowCounts.count(c, "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA <> 'INFORMATION_SCHEMA' ORDER BY 1, 2");
    }

    @Override
    public RestoreTarget restoreTarget(String target) {
        boolean scratch = target == null;
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        String url = scratch ? "jdbc:h2:mem:bulwark_restore_" + HexFormat.of().formatHex(r) + ";DB_CLOSE_DELAY=-1"
                : target;
        if (!url.startsWith("jdbc:h2:")) {
            throw new BackupException("restore target for an H2 backup must be a jdbc:h2: URL, got '" + url + "'");
        }
        Connection keepAlive;
        try {
            keepAlive = DriverManager.getConnection(url, user, password);
            if (!countRows(keepAlive).isEmpty()) {
                keepAlive.close();
                throw new BackupException("H2 database " + url + " already has tables; restore into a new database"
                        + " (a restore never overwrites one)");
            }
        } catch (SQLException e) {
            throw new BackupException("cannot open H2 restore target " + url + ": " + e.getMessage(), e);
        }
        return new RestoreTarget() {
            @Override
            public String describe() {
                return (scratch ? "scratch in-memory H2 " : "H2 ") + url;
            }

            @Override
            public void restore(InputStream dump) throws IOException {
                Path script = Files.createTempFile("bulwark-restore-", ".sql",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.copy(dump, script, StandardCopyOption.REPLACE_EXISTING);
                    try (PreparedStatement ps = keepAlive.prepareStatement("RUNSCRIPT FROM ?")) {
                        ps.setString(1, script.toString());
                        ps.execute();
                    }
                } catch (SQLException e) {
                    throw new IOException("RUNSCRIPT into " + url + " failed: " + e.getMessage(), e);
                } finally {
                    Files.deleteIfExists(script);
                }
            }

            @Override
            public Map<String, Long> counts() throws IOException {
                try {
                    return countRows(keepAlive);
                } catch (SQLException e) {
                    throw new IOException("cannot count rows in " + url + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void discard() {
                try (Connection c = keepAlive; Statement s = c.createStatement()) {
                    s.execute(scratch ? "SHUTDOWN" : "DROP ALL OBJECTS");
                } catch (SQLException e) {
                    throw new BackupException("cannot discard H2 restore target " + url + ": " + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public String toString() {
        return "H2Source[" + name() + "]";
    }
}
