package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreDailyThirtyDaysZstdUnencryptedLocal() {
        BackupSettings s = BackupSettings.fromEnvironment(Map.of());
        assertThat(s.schedule().toString()).startsWith("daily 02:00");
        assertThat(s.retention()).isEqualTo(Retention.DEFAULT);
        assertThat(s.compression()).isEqualTo(Compression.ZSTD);
        assertThat(s.encryption()).isEmpty();
        assertThat(s.rpo()).isEqualTo(Duration.ofHours(24));
        assertThat(s.rto()).isEqualTo(Duration.ofHours(1));
        assertThat(s.openStore()).isInstanceOf(LocalBackupStore.class);
        assertThat(s.zstdWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(s.pgJobs()).isEqualTo(1);
        assertThat(s.stagingDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void readsTheParallelAndCompressionThreadSettings() {
        BackupSettings s = BackupSettings.fromEnvironment(Map.of("BACKUP_ZSTD_WORKERS", "1", "BACKUP_PG_JOBS", "4",
                "BACKUP_STAGING_DIR", tmp.toString()));
        assertThat(s.zstdWorkers()).isEqualTo(1);
        assertThat(s.pgJobs()).isEqualTo(4);
        assertThat(s.stagingDir()).isEqualTo(tmp);
        assertThat(s.toString()).contains("pgJobs=4");
    }

    @Test
    void readsEveryVariable() throws Exception {
        Path keyset = tmp.resolve("keyset.json");
        Files.writeString(keyset, BackupEncryption.generateKeyset());
        BackupSettings s = BackupSettings.fromEnvironment(Map.ofEntries(
                Map.entry("BACKUP_SCHEDULE", "30 3 * * *"), Map.entry("BACKUP_TIMEZONE", "Europe/Paris"),
                Map.entry("BACKUP_JITTER_MINUTES", "15"), Map.entry("BACKUP_RETENTION_DAYS", "14"),
                Map.entry("BACKUP_KEEP_NEWEST", "5"), Map.entry("BACKUP_KEEP_MONTHLY", "12"),
                Map.entry("BACKUP_COMPRESSION", "gzip"), Map.entry("BACKUP_ENCRYPTION_KEYSET_FILE", keyset.toString()),
                Map.entry("BACKUP_DIR", tmp.toString()), Map.entry("BACKUP_RPO_HOURS", "6"),
                Map.entry("BACKUP_RTO_MINUTES", "30"), Map.entry("BACKUP_PG_DUMP", "/usr/lib/postgresql/15/bin/pg_dump")));
        assertThat(s.jitter()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.retention()).isEqualTo(new Retention(14, 5, 0, 0, 12));
        assertThat(s.compression()).isEqualTo(Compression.GZIP);
        assertThat(s.encryption()).isPresent();
        assertThat(s.rpo()).isEqualTo(Duration.ofHours(6));
        assertThat(s.pgDump()).isEqualTo("/usr/lib/postgresql/15/bin/pg_dump");
        assertThat(s.schedule().zone().getId()).isEqualTo("Europe/Paris");
    }

    @Test
    void aClientToolSettingMustBeAProgramNameOrAPath() {
        assertThatThrownBy(() -> BackupSettings.builder().pgDump("pg_dump\0--help").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BACKUP_PG_DUMP")
                .hasMessageContaining("NUL").hasMessageContaining("pg_dump?--help");
        assertThatThrownBy(() -> BackupSettings.builder().psql(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BACKUP_PSQL");
        assertThatThrownBy(() -> BackupSettings.builder().pgRestore("/usr/bin/pg_restore ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BACKUP_PG_RESTORE");
        assertThat(BackupSettings.builder().pgDump("/usr/lib/postgresql/15/bin/pg_dump").build().pgDump())
                .isEqualTo("/usr/lib/postgresql/15/bin/pg_dump");
    }

    @Test
    void toStringNeverPrintsTheKeyset() {
        String keyset = BackupEncryption.generateKeyset();
        BackupSettings s = BackupSettings.fromEnvironment(Map.of("BACKUP_ENCRYPTION_KEYSET", keyset));
        String value = keyset.replaceAll("(?s).*\"value\":\\s*\"([^\"]+)\".*", "$1");
        assertThat(s.toString()).doesNotContain(value).contains("key " + s.encryption().get().keyId());
        assertThat(s.encryption().get().toString()).doesNotContain(value);
    }

    @Test
    void unencryptedBackupsToS3AreRefusedUnlessExplicitlyAllowed() {
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_S3_BUCKET", "prod-backups")))
                .hasMessageContaining("must be encrypted")
                .hasMessageContaining("BACKUP_ENCRYPTION_KEYSET_FILE")
                .hasMessageContaining("BACKUP_INSECURE_ALLOW_UNENCRYPTED_REMOTE");
        BackupSettings insecure = BackupSettings.fromEnvironment(Map.of("BACKUP_S3_BUCKET", "b",
                "BACKUP_INSECURE_ALLOW_UNENCRYPTED_REMOTE", "true"));
        assertThat(insecure.allowUnencryptedRemote()).isTrue();
    }

    @Test
    void badValuesNameTheVariableAndTheFix() {
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_RETENTION_DAYS", "thirty")))
                .hasMessageContaining("BACKUP_RETENTION_DAYS").hasMessageContaining("whole number");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_COMPRESSION", "lz4")))
                .hasMessageContaining("BACKUP_COMPRESSION").hasMessageContaining("zstd, gzip, none");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_ZSTD_LEVEL", "40")))
                .hasMessageContaining("BACKUP_ZSTD_LEVEL").hasMessageContaining("1..19");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_ZSTD_WORKERS", "-1")))
                .hasMessageContaining("BACKUP_ZSTD_WORKERS").hasMessageContaining("0..64");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_PG_JOBS", "0")))
                .hasMessageContaining("BACKUP_PG_JOBS").hasMessageContaining("1..64");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_ENCRYPTION_KEYSET", "{\"not\":1}")))
                .hasMessageContaining("BACKUP_ENCRYPTION_KEYSET").hasMessageContaining("keygen");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_ENCRYPTION_KEYSET_FILE",
                tmp.resolve("missing.json").toString()))).hasMessageContaining("cannot read");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_TIMEZONE", "Mars/Olympus")))
                .hasMessageContaining("BACKUP_TIMEZONE");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_JITTER_MINUTES", "-1")))
                .hasMessageContaining("BACKUP_JITTER_MINUTES");
        assertThatThrownBy(() -> BackupSettings.fromEnvironment(Map.of("BACKUP_SCHEDULE", "sometimes")))
                .hasMessageContaining("BACKUP_SCHEDULE");
    }

    @Test
    void pgDumpOlderThanTheServerIsRefusedWithTheFix() {
        assertThatThrownBy(() -> PgDumpSource.checkVersions("pg_dump (PostgreSQL) 15.14", "16.2"))
                .hasMessageContaining("pg_dump 15 cannot dump a PostgreSQL 16 server")
                .hasMessageContaining("BACKUP_PG_DUMP");
        PgDumpSource.checkVersions("pg_dump (PostgreSQL) 16.1", "15.14 (Debian 15.14-0+deb12u1)");
    }
}
