package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.SameValues;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code toBuilder()} gives back every value, so a caller can change one and keep the rest. */
class BackupSettingsToBuilderTest {

    @Test
    void aRoundTripKeepsEveryValueAndAChangeChangesOnlyItself() {
        BackupSettings s = BackupSettings.fromEnvironment(Map.of("BACKUP_SCHEDULE", "30 3 * * 1", "BACKUP_TIMEZONE",
                "Europe/Paris", "BACKUP_ZSTD_LEVEL", "7", "BACKUP_ZSTD_WORKERS", "1", "BACKUP_PG_JOBS", "3",
                "BACKUP_DIR", "/var/backups/app", "BACKUP_RPO_HOURS", "6"));
        assertThat(SameValues.differences(s, s.toBuilder().build())).isEmpty();
        BackupSettings slower = s.toBuilder().rpo(Duration.ofHours(12)).build();
        assertThat(SameValues.differences(s, slower)).singleElement().asString().startsWith("rpo: PT6H -> PT12H");
    }
}
