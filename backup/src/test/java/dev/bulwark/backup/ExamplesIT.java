package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.Examples;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Runs the README's example against a real PostgreSQL and checks the README shows exactly this code. */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class ExamplesIT {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/backup/ExamplesIT.java");

    @TempDir
    Path tmp;

    @AfterEach
    void clearProperties() {
        System.clearProperty("BACKUP_DIR");
        System.clearProperty("BACKUP_SCHEDULE");
    }

    @Test
    void theReadmeExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.readmeJava(Path.of("README.md")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "readme")));
    }

    @Test
    void readmeExampleBacksUpVerifiesAndRestoresARealDatabase() throws Exception {
        System.setProperty("BACKUP_DIR", tmp.resolve("backups").toString());
        System.setProperty("BACKUP_SCHEDULE", "off"); // the example's scheduler must not race its backup()
        try (PgFixture db = new PgFixture(500)) {
            String dbUrl = db.url();
            String dbUser = db.user;
            String dbPassword = db.password;
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(dbUrl);
            dataSource.setUser(dbUser);
            dataSource.setPassword(dbPassword);
            MetricRegistry registry = new MetricRegistry();
            HealthCheckRegistry healthChecks = new HealthCheckRegistry();
            // region readme
            BackupSettings settings = BackupSettings.fromEnvironment();                  // BACKUP_* below
            BackupManager backups = BackupManager.builder(
                        BackupSource.postgres(dbUrl, dbUser, dbPassword, settings), settings.openStore())
                    .settings(settings).metrics(registry)
                    .lock(BackupLock.postgres(dataSource))           // one instance of several runs it
                    .healthChecks(healthChecks)                      // bulwark.backup: unhealthy past the RPO
                    .build();
            BackupScheduler scheduler = BackupScheduler.create(backups);   // daily + catch-up
            Manifest m = backups.backup();                       // or on demand
            backups.verify(m.id()); backups.restoreTest(m.id()); // checksum; restore into scratch + counts
            // endregion
            try {
                assertThat(backups.verify(m.id()).ok()).isTrue();
                assertThat(backups.restoreTest(m.id()).ok()).isTrue();
                assertThat(healthChecks.runHealthCheck("bulwark.backup").isHealthy()).isTrue();
                assertThat(registry.counter("bulwark.backup.completed").getCount()).isEqualTo(1);
            } finally {
                scheduler.close();
            }
        }
    }
}
