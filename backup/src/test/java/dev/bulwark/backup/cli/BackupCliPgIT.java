package dev.bulwark.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.backup.BackupLock;
import dev.bulwark.backup.internal.PostgresAdvisoryLock;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The command line's PostgreSQL backup: its advisory lock is held by a psql session (no JDBC
 * driver in the CLI), on the same key as a service's {@code BackupLock.postgres(dataSource)}, so a
 * cron job and the service's replicas still run one backup at a time.
 */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class BackupCliPgIT {
    @TempDir
    Path tmp;

    private String database;
    private String url;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void createDatabase() throws Exception {
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        database = "bk_cli_" + HexFormat.of().formatHex(r);
        admin("CREATE DATABASE " + database);
        url = TestServices.postgresUrl().replaceFirst("/[^/?]*(\\?.*)?$", "/" + database);
        try (Connection c = DriverManager.getConnection(url, TestServices.postgresUser(),
                TestServices.postgresPassword()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t AS SELECT generate_series(1, 10) AS id");
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        // retried while an autovacuum worker (another role, which FORCE may not end) is on it
        new dev.bulwark.backup.internal.PgDumpSource(url, TestServices.postgresUser(), TestServices.postgresPassword(),
                dev.bulwark.backup.BackupSettings.builder().build()).dropDatabase();
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(TestServices.postgresUrl(), TestServices.postgresUser(),
                TestServices.postgresPassword()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private int backup() {
        out.reset();
        err.reset();
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", url);
        env.put("DB_USER", TestServices.postgresUser());
        env.put("DB_PASSWORD", TestServices.postgresPassword());
        env.put("BACKUP_DIR", tmp.resolve("store").toString());
        return new BackupCli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of("backup"));
    }

    @Test
    void aServiceHoldingTheJdbcAdvisoryLockMakesTheCommandLineExitWith3() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(TestServices.postgresUser());
        ds.setPassword(TestServices.postgresPassword());

        try (BackupLock.Held service = new PostgresAdvisoryLock(ds).tryAcquire().orElseThrow()) {
            assertThat(service).isNotNull();
            assertThat(backup()).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("advisory lock " + PostgresAdvisoryLock.DEFAULT_KEY);
        }

        assertThat(backup()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("complete");
    }

    @Test
    void whileTheCommandLineHoldsItsPsqlLockAServiceCannotTakeTheJdbcOne() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(TestServices.postgresUser());
        ds.setPassword(TestServices.postgresPassword());
        BackupLock cliLock = new dev.bulwark.backup.internal.PgDumpSource(url, TestServices.postgresUser(),
                TestServices.postgresPassword(), dev.bulwark.backup.BackupSettings.builder().build())
                .advisoryLock(PostgresAdvisoryLock.DEFAULT_KEY);

        try (BackupLock.Held cli = cliLock.tryAcquire().orElseThrow()) {
            assertThat(cli).isNotNull();
            assertThat(new PostgresAdvisoryLock(ds).tryAcquire()).isEmpty();
            assertThat(cliLock.tryAcquire()).isEmpty();
        }

        try (BackupLock.Held service = new PostgresAdvisoryLock(ds).tryAcquire().orElseThrow()) {
            assertThat(service).as("released by the psql session's unlock").isNotNull();
        }
    }
}
