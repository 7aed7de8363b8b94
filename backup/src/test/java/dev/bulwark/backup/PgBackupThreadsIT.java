package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class PgBackupThreadsIT {
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

    @ParameterizedTest(name = "pgJobs={0}")
    @ValueSource(ints = {1, 2})
    void everyThreadOfAPostgresBackupVerifyAndRestoreComesFromTheCallersThreadFactory(int jobs) throws Exception {
        BackupSettings settings = BackupSettings.builder().pgJobs(jobs).stagingDir(tmp.resolve("staging"))
                .encryption(BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset())).build();
        ThreadWatch watch = new ThreadWatch();
        BackupManager m = BackupManager.builder(BackupSource.postgres(db.url(), db.user, db.password, settings),
                BackupStore.local(tmp.resolve("store"))).settings(settings).threadFactory(watch).build();

        Set<String> foreign = watch.foreignThreadsDuring(() -> {
            Manifest manifest = m.backup();
            assertThat(m.verify(manifest.id()).ok()).isTrue();
            RestoreResult restored = m.restoreTest(manifest.id());
            assertThat(restored.ok()).as(restored.mismatches().toString()).isTrue();
        });

        assertThat(foreign).as("threads that did not come from the caller's factory").isEmpty();
        assertThat(watch.made()).as("pg_dump's and pg_restore's stream pumps came from the caller's factory")
                .isGreaterThanOrEqualTo(2);
    }
}
