package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup behind another session's exclusive table lock fails in time instead of waiting for ever. */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class PgLockWaitIT {

    @TempDir
    Path tmp;
    private PgFixture db;

    @BeforeEach
    void create() throws Exception {
        db = new PgFixture(1_000);
    }

    @AfterEach
    void drop() throws Exception {
        db.close();
    }

    @Test
    @org.junit.jupiter.api.Timeout(180) // without the lock wait, pg_dump waits as long as the lock is held
    void aDumpBlockedByAnExclusiveLockFailsWithinTheLockWait() throws Exception {
        BackupSettings settings = BackupSettings.builder().pgLockWait(Duration.ofSeconds(2)).build();
        BackupManager m = BackupManager.builder(new PgDumpSource(db.url(), db.user, db.password, settings),
                new LocalBackupStore(tmp.resolve("backups"))).settings(settings).build();
        try (Connection migration = db.connect(db.database); Statement s = migration.createStatement()) {
            migration.setAutoCommit(false);
            s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE"); // a migration in progress

            long start = System.nanoTime();
            assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                    .hasMessageContaining("BACKUP_PG_LOCK_WAIT_SECONDS").hasMessageContaining("table lock");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isLessThan(Duration.ofSeconds(60));
            assertThat(m.list()).first().satisfies(failed -> {
                assertThat(failed.status()).isEqualTo(Manifest.Status.FAILED);
                assertThat(failed.error()).contains("BACKUP_PG_LOCK_WAIT_SECONDS");
            });
            migration.rollback();
        }
        assertThat(m.backup().status()).as("once the lock is gone").isEqualTo(Manifest.Status.COMPLETE);
    }

    /**
     * Review 2026-11-27 (session 15), I3: a table whose data the archive lacks is counted with
     * {@code count(*)} in the snapshot's session after pg_dump ended (and released its table
     * locks); a migration's exclusive lock taken in that gap made the count wait for as long as the
     * lock was held. The session's {@code lock_timeout} (BACKUP_PG_LOCK_WAIT_SECONDS) ends it.
     */
    @Test
    @org.junit.jupiter.api.Timeout(180)
    void aRowCountBlockedByAnExclusiveLockAfterTheDumpFailsWithinTheLockWait() throws Exception {
        // a pg_dump that leaves out the data of orders, and once done (its locks released) has
        // another session take an exclusive lock on orders and hold it for two minutes
        Path wrapper = tmp.resolve("pg_dump_then_lock");
        java.nio.file.Files.writeString(wrapper, String.join("\n", "#!/bin/bash",
                "[[ $1 == --version ]] && exec pg_dump --version",
                "pg_dump \"$@\" --exclude-table-data=public.orders; rc=$?",
                "PGAPPNAME=bulwark-test-blocker psql -XAq -c 'BEGIN' -c 'LOCK TABLE orders IN ACCESS EXCLUSIVE MODE'"
                        + " -c 'SELECT pg_sleep(120)' </dev/null >/dev/null 2>&1 &",
                "for i in $(seq 300); do", // until the lock is held (30 s at most)
                "  [[ $(psql -XAtc \"SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                        + " WHERE c.relname = 'orders' AND l.mode = 'AccessExclusiveLock' AND l.granted\") == 1 ]] && break",
                "  sleep 0.1",
                "done",
                "exit $rc", ""));
        java.nio.file.Files.setPosixFilePermissions(wrapper,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        BackupSettings settings = BackupSettings.builder().pgLockWait(Duration.ofSeconds(2))
                .pgDump(wrapper.toString()).build();
        BackupManager m = db.manager(settings, tmp.resolve("backups"));

        long start = System.nanoTime();
        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("BACKUP_PG_LOCK_WAIT_SECONDS").hasMessageContaining("counting the rows of public.orders");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(m.list()).first().satisfies(failed -> assertThat(failed.status()).isEqualTo(Manifest.Status.FAILED));
    }

    /**
     * Review 2026-11-27 (session 16), B3: a role's or database's {@code statement_timeout} that
     * cancels the {@code count(*)} fallback (SQLSTATE 57014) is not a lock wait, and is not
     * reported as one; the SQLSTATE decides, not the text.
     */
    @Test
    @org.junit.jupiter.api.Timeout(180)
    void aStatementTimeoutCancellingTheRowCountIsNotReportedAsALockWait() throws Exception {
        try (Connection c = db.connect(db.database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big AS SELECT generate_series(1, 3000000) AS id");
            s.execute("ALTER DATABASE " + db.database + " SET statement_timeout = '30ms'");
        }
        Path wrapper = tmp.resolve("pg_dump_nodata");
        java.nio.file.Files.writeString(wrapper, "#!/bin/sh\n[ \"$1\" = --version ] && exec pg_dump --version\n"
                + "exec pg_dump \"$@\" --exclude-table-data=public.big\n");
        java.nio.file.Files.setPosixFilePermissions(wrapper,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        BackupSettings settings = BackupSettings.builder().pgDump(wrapper.toString()).build();
        BackupManager m = db.manager(settings, tmp.resolve("backups"));

        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("57014").hasMessageNotContaining("BACKUP_PG_LOCK_WAIT_SECONDS")
                .hasMessageNotContaining("table lock");
        assertThat(m.list()).first().satisfies(failed -> assertThat(failed.status()).isEqualTo(Manifest.Status.FAILED));
    }
}
