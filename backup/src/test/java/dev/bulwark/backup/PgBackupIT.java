package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.backup.internal.PostgresAdvisoryLock;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.ThrowawayPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class PgBackupIT {
    @TempDir
    Path tmp;

    private PgFixture db;

    @BeforeEach
    void setUp() throws Exception {
        db = new PgFixture(20_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private BackupManager manager(BackupSettings settings) {
        return db.manager(settings, tmp.resolve("backups"));
    }

    @Test
    void encryptedPgDumpBackupVerifiesAndRestoresWithEqualRowCounts() {
        BackupSettings settings = BackupSettings.builder()
                .encryption(BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset())).build();
        BackupManager m = manager(settings);

        Manifest manifest = m.backup();
        RestoreResult restored = m.restoreTest(manifest.id());

        assertThat(manifest.sourceKind()).isEqualTo("postgresql");
        assertThat(manifest.database()).isEqualTo(db.database);
        assertThat(manifest.toolVersions()).containsKeys("pg_dump", "server", "zstd-jni", "tink");
        assertThat(manifest.counts()).containsEntry("public.orders", 20_000L).containsEntry("public.customers", 100L)
                .containsEntry("audit.events", 42L);
        assertThat(m.verify(manifest.id()).ok()).isTrue();
        assertThat(restored.ok()).as(restored.mismatches().toString()).isTrue();
        assertThat(restored.target()).startsWith("scratch database " + db.database + "_restoretest_");
    }

    @Test
    void countsComeFromTheSameSnapshotAsTheDumpEvenUnderConcurrentWrites() throws Exception {
        BackupManager m = manager(BackupSettings.builder().build());
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = db.connect(db.database); Statement s = c.createStatement()) {
                int id = 1_000_000;
                while (stop.getCount() > 0) {
                    s.execute("INSERT INTO orders VALUES (" + id++ + ", 1, 1.0, 'concurrent')");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Manifest manifest;
        try {
            manifest = m.backup();
        } finally {
            stop.countDown();
            writer.get(30, TimeUnit.SECONDS);
        }

        RestoreResult restored = m.restoreTest(manifest.id());

        assertThat(restored.ok()).as(restored.mismatches().toString()).isTrue();
    }

    @Test
    void badCredentialsLeaveAFailedManifestWithTheDatabaseError() {
        MetricRegistry registry = new MetricRegistry();
        BackupManager m = BackupManager.builder(new PgDumpSource(db.url(), db.user, "wrong-password",
                BackupSettings.builder().build()), new LocalBackupStore(tmp.resolve("b"))).metrics(registry).build();

        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("wrong-password");

        Manifest failed = m.list().get(0);
        assertThat(failed.status()).isEqualTo(Manifest.Status.FAILED);
        assertThat(failed.error()).contains("password authentication failed").contains("DB_PASSWORD");
        assertThat(registry.counter("bulwark.backup.failures").getCount()).isEqualTo(1);
        assertThat(m.newestGood()).isEmpty();
    }

    @Test
    @RequiresService(Service.PG_SERVER)
    void pgDumpFailureRecordsItsStderrAndLeavesNoData() throws Exception {
        // pg_dump itself refuses: the role may read every table (so counting works) but not the
        // sequence behind a bigserial, which pg_dump must read -> pg_dump's own error, exit code 1
        try (ThrowawayPostgres pg = ThrowawayPostgres.create()) {
            String url = pg.jdbcUrl();
            try (Connection c = java.sql.DriverManager.getConnection(url, pg.user(), "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE ledger(id bigserial PRIMARY KEY, amount int)");
                s.execute("INSERT INTO ledger(amount) SELECT g FROM generate_series(1, 10) g");
                s.execute("CREATE ROLE reader LOGIN");
                s.execute("GRANT SELECT ON ledger TO reader");
            }
            BackupSettings settings = BackupSettings.builder().build();
            Path dir = tmp.resolve("c");
            BackupManager m = BackupManager.builder(new PgDumpSource(url, "reader", null, settings),
                    new LocalBackupStore(dir)).settings(settings).build();

            assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                    .hasMessageContaining("pg_dump failed with exit code 1");

            Manifest failed = m.list().get(0);
            assertThat(failed.status()).isEqualTo(Manifest.Status.FAILED);
            assertThat(failed.error()).contains("pg_dump: error:").contains("permission denied for sequence");
            assertThat(failed.sha256()).isNull();
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .allMatch(n -> n.endsWith(Manifest.SUFFIX) || n.equals(".lock"));
            }
        }
    }

    /**
     * The dumping pg_dump starts before its {@code --version} is read (that read is off the path to
     * the first byte): a pg_dump older than the server is still refused with the fix, and the dump
     * it had started is stopped, not left running.
     */
    @Test
    void pgDumpOlderThanTheServerIsRefusedAndItsStartedDumpStopped() throws Exception {
        Path pid = tmp.resolve("dump.pid");
        Path wrapper = tmp.resolve("old_pg_dump"); // its --version answers late: the dump is running by then
        Files.writeString(wrapper, "#!/bin/sh\n[ \"$1\" = --version ] && { sleep 1; echo 'pg_dump (PostgreSQL) 9.6.24'; exit 0; }\n"
                + "echo $$ > '" + pid + "'\nexec sleep 120\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        BackupManager m = manager(BackupSettings.builder().pgDump(wrapper.toString()).build());

        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("pg_dump 9 cannot dump a PostgreSQL")
                .hasMessageContaining("BACKUP_PG_DUMP");

        assertThat(m.list().get(0).status()).isEqualTo(Manifest.Status.FAILED);
        long started = Long.parseLong(Files.readString(pid).strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(started).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(started).map(ProcessHandle::isAlive).orElse(false))
                .as("the dump started before the version check is stopped").isFalse();
    }

    @Test
    void missingPgDumpBinaryIsAClearFailure() {
        BackupSettings settings = BackupSettings.builder().pgDump("/nonexistent/pg_dump").build();
        BackupManager m = manager(settings);

        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("/nonexistent/pg_dump could not be started")
                .hasMessageContaining("BACKUP_PG_DUMP");
        assertThat(m.list().get(0).status()).isEqualTo(Manifest.Status.FAILED);
    }

    @Test
    void missingPsqlIsAClearFailure() {
        BackupSettings settings = BackupSettings.builder().psql("/nonexistent/psql").build();
        BackupManager m = manager(settings);

        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("/nonexistent/psql could not be started")
                .hasMessageContaining("BACKUP_PSQL");
        assertThat(m.list().get(0).status()).isEqualTo(Manifest.Status.FAILED);
    }

    @Test
    void advisoryLockLetsOnlyOneOfTwoInstancesRun() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.url());
        ds.setUser(db.user);
        ds.setPassword(db.password);
        PostgresAdvisoryLock lockOfInstanceA = new PostgresAdvisoryLock(ds, 4242);
        BackupManager instanceB = BackupManager.builder(new PgDumpSource(db.url(), db.user, db.password,
                BackupSettings.builder().build()), new LocalBackupStore(tmp.resolve("b-store")))
                .lock(new PostgresAdvisoryLock(ds, 4242)).build();

        try (BackupLock.Held held = lockOfInstanceA.tryAcquire().orElseThrow()) {
            assertThat(held).isNotNull();
            assertThatThrownBy(instanceB::backup).isInstanceOf(BackupAlreadyRunningException.class)
                    .hasMessageContaining("advisory lock 4242");
        }
        assertThat(instanceB.backup().complete()).isTrue();
    }

    @Test
    void restoreRefusesAnExistingDatabase() {
        BackupManager m = manager(BackupSettings.builder().build());
        Manifest manifest = m.backup();
        assertThatThrownBy(() -> m.restore(manifest.id(), db.database))
                .hasMessageContaining("already exists").hasMessageContaining("never overwrites");
    }
}
