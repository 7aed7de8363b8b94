package dev.bulwark.backup.bench;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A PostgreSQL database of about {@code mb} megabytes, created once and reused across runs. */
final class BenchDatabase {
    private BenchDatabase() {
    }

    static String url(String db) {
        return TestServices.postgresUrl().replaceFirst("/[^/?]+(\\?.*)?$", "/" + db);
    }

    static Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(url(db), TestServices.postgresUser(), TestServices.postgresPassword());
    }

    /** A manager backing up {@code db} into {@code dir}, zstd, encrypted with a fresh key when asked. */
    static dev.bulwark.backup.BackupManager manager(String db, java.nio.file.Path dir, boolean encrypt) {
        dev.bulwark.backup.BackupSettings.Builder b = dev.bulwark.backup.BackupSettings.builder().directory(dir);
        if (encrypt) {
            b.encryption(dev.bulwark.backup.BackupEncryption.fromKeysetJson(
                    dev.bulwark.backup.BackupEncryption.generateKeyset()));
        }
        dev.bulwark.backup.BackupSettings settings = b.build();
        return dev.bulwark.backup.BackupManager.builder(new dev.bulwark.backup.internal.PgDumpSource(url(db),
                TestServices.postgresUser(), TestServices.postgresPassword(), settings),
                new dev.bulwark.backup.internal.LocalBackupStore(dir)).settings(settings).build();
    }

    static long sizeBytes(String db) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** @return the name of a database of roughly {@code mb} MB (trades table + index), made if missing */
    static String ensure(int mb) throws SQLException {
        String db = "bulwark_bench_" + mb + "mb";
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
            if (rs.next()) {
                return db;
            }
        }
        String building = db + "_building";
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + building);
        }
        long rows = mb * 8_000L; // ~125 bytes per row with index and overhead
        try (Connection c = connect(building); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE trades(id bigint PRIMARY KEY, symbol text NOT NULL, price numeric(12,4) NOT NULL,"
                    + " qty int NOT NULL, at timestamptz NOT NULL, note text)");
            s.execute("INSERT INTO trades SELECT g, 'SYM' || (g % 500), 100 + (g % 9973) / 100.0, 1 + g % 1000,"
                    + " timestamptz '2026-01-01' + g * interval '1 second', md5(g::text)"
                    + " FROM generate_series(1, " + rows + ") g");
            s.execute("CREATE INDEX trades_symbol ON trades(symbol, at)");
            s.execute("ANALYZE trades");
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + building + " RENAME TO " + db);
        }
        return db;
    }
}
