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
}
