package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.Examples;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Runs the {@link BackupManager} javadoc example against a real PostgreSQL and checks the javadoc shows this code. */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class JavadocExamplesIT {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/backup/JavadocExamplesIT.java");

    @TempDir
    Path tmp;

    @AfterEach
    void clearProperties() {
        System.clearProperty("BACKUP_DIR");
        System.clearProperty("BACKUP_SCHEDULE");
    }

    @Test
    void theJavadocExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.javadocCode(Path.of("src/main/java/dev/bulwark/backup/BackupManager.java"))
                .get(0))).isEqualTo(Examples.normalized(Examples.region(SELF, "javadoc-manager")));
    }

    @Test
    void theManagerExampleBacksUpVerifiesRestoresAndPrunes() throws Exception {
        System.setProperty("BACKUP_DIR", tmp.resolve("backups").toString());
        System.setProperty("BACKUP_SCHEDULE", "off");
        try (PgFixture db = new PgFixture(200)) {
            String url = db.url();
            String user = db.user;
            String password = db.password;
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(url);
            dataSource.setUser(user);
            dataSource.setPassword(password);
            MetricRegistry registry = new MetricRegistry();
            // region javadoc-manager
            BackupSettings settings = BackupSettings.fromEnvironment();
            BackupManager backups = BackupManager.builder(BackupSource.postgres(url, user, password, settings), settings.openStore())
                    .settings(settings).metrics(registry).lock(BackupLock.postgres(dataSource)).build();
            Manifest m = backups.backup();              // source -> zstd -> (Tink) -> SHA-256 -> store
            VerifyResult v = backups.verify(m.id());    // checksum, decrypt, decompress
            RestoreResult r = backups.restoreTest(m.id()); // restore into scratch, compare counts
            backups.prune();                            // retention
            // endregion
            assertThat(v.ok()).as(v.detail()).isTrue();
            assertThat(r.ok()).isTrue();
            assertThat(backups.list()).extracting(Manifest::id).contains(m.id());
        }
    }
}
