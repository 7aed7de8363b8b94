package dev.bulwark.backup;

import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.TestServices;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A throwaway database on the test PostgreSQL, populated with a small trading schema. */
final class PgFixture implements AutoCloseable {
    final String host;
    final int port;
    final String database;
    final String user = TestServices.postgresUser();
    final String password = TestServices.postgresPassword();

    PgFixture(int orders) throws SQLException {
        Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+):?(\\d*)/.*").matcher(TestServices.postgresUrl());
        if (!m.matches()) {
            throw new IllegalStateException("unexpected BULWARK_PG_URL " + TestServices.postgresUrl());
        }
        host = m.group(1);
        port = m.group(2).isEmpty() ? 5432 : Integer.parseInt(m.group(2));
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        database = "bk_" + HexFormat.of().formatHex(r);
        admin("CREATE DATABASE " + database);
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers(id int PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g");
            s.execute("CREATE TABLE orders(id int PRIMARY KEY, customer int REFERENCES customers(id),"
                    + " amount numeric(12,2) NOT NULL, note text)");
            s.execute("INSERT INTO orders SELECT g, 1 + g % 100, (g * 7 % 1000) / 10.0, md5(g::text)"
                    + " FROM generate_series(1, " + orders + ") g");
            s.execute("CREATE SCHEMA audit");
            s.execute("CREATE TABLE audit.events(id bigserial PRIMARY KEY, what text)");
            s.execute("INSERT INTO audit.events(what) SELECT 'event ' || g FROM generate_series(1, 42) g");
        }
    }

    /** A manager of this database's backups in a local store, the way every PostgreSQL IT builds one. */
    BackupManager manager(BackupSettings settings, java.nio.file.Path store) {
        return BackupManager.builder(new PgDumpSource(url(), user, password, settings),
                new dev.bulwark.backup.internal.LocalBackupStore(store)).settings(settings).build();
    }

    String url() {
        return url(database);
    }

    String url(String db) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }

    Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(url(db), user, password);
    }

    /** Drops a database the way the library drops scratch databases (with its autovacuum retry). */
    void drop(String db) {
        new PgDumpSource(url(db), user, password, BackupSettings.builder().build()).dropDatabase();
    }

    void admin(String sql) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long count(String db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    boolean exists(String db) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
            return rs.next();
        }
    }

    /** libpq and service variables for the CLI and psql. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", user);
        env.put("PGPASSWORD", password);
        env.put("PGDATABASE", database);
        env.put("DB_URL", url());
        env.put("DB_USER", user);
        env.put("DB_PASSWORD", password);
        return env;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + database + "%'")) {
            java.util.List<String> dbs = new java.util.ArrayList<>();
            while (rs.next()) {
                dbs.add(rs.getString(1));
            }
            for (String db : dbs) {
                drop(db);
            }
        }
    }
}
