package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheckRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The create / builder vocabulary and the health check registered like every module's. */
class BackupManagerConstructionTest {
    @TempDir
    Path tmp;

    @Test
    void createUsesTheStoreTheSettingsName() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "hello");
        BackupSettings settings = BackupSettings.fromEnvironment(Map.of("BACKUP_DIR", tmp.resolve("store").toString()));
        BackupManager backups = BackupManager.create(BackupSource.directory(data), settings);
        Manifest m = backups.backup();
        assertThat(backups.verify(m.id()).ok()).isTrue();
        assertThat(Files.list(tmp.resolve("store")).count()).as("written where BACKUP_DIR says").isPositive();
    }

    @Test
    void theBuilderRegistersTheHealthCheckInTheServicesRegistry() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "hello");
        HealthCheckRegistry healthChecks = new HealthCheckRegistry();
        BackupManager backups = BackupManager.builder(BackupSource.directory(data), BackupStore.local(tmp.resolve("store")))
                .healthChecks(healthChecks).build();
        assertThat(healthChecks.getNames()).containsExactly(BackupManager.HEALTH_CHECK_NAME);
        assertThat(healthChecks.runHealthCheck("bulwark.backup").isHealthy()).as("no backup yet").isFalse();
        backups.backup();
        assertThat(healthChecks.runHealthCheck("bulwark.backup").isHealthy()).isTrue();
    }
}
