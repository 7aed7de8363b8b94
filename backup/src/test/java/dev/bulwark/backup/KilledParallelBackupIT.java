package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM running a parallel PostgreSQL backup is killed with SIGKILL while the staged directory
 * dump streams into the store: nothing may look complete, and the next run cleans up the temp
 * file, the RUNNING manifest and the staging directory.
 */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class KilledParallelBackupIT {
    @TempDir
    Path tmp;

    private PgFixture db;

    @BeforeEach
    void setUp() throws Exception {
        db = new PgFixture(50_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @Test
    void parallelBackupKilledMidStreamLeavesNothingCompleteAndTheNextRunCleansUp() throws Exception {
        Path store = tmp.resolve("store");
        Path staging = tmp.resolve("staging");
        KilledRun.killAt("STREAMING", store,
                () -> assertThat(KilledRun.files(staging)).singleElement().asString().startsWith("bulwark-pgdump-"),
                SlowParallelBackupMain.class, store.toString(), staging.toString(), db.url());
        assertThat(KilledRun.files(staging)).as("the killed run's staging directory is left behind").hasSize(1);

        BackupSettings settings = BackupSettings.builder().pgJobs(2).stagingDir(staging).build();
        BackupManager next = BackupManager.builder(new PgDumpSource(db.url(), db.user, db.password, settings),
                new LocalBackupStore(store)).settings(settings).build();
        Manifest fresh = KilledRun.assertNothingCompleteAndTheNextRunCleansUp(next, store);

        assertThat(KilledRun.files(staging)).as("the abandoned staging directory was removed").isEmpty();
        RestoreResult r = next.restoreTest(fresh.id());
        assertThat(r.ok()).as(r.mismatches().toString()).isTrue();
    }
}
