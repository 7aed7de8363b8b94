package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupScheduleTest {

    @Test
    void dailyTimeRunsOncePerDay() {
        BackupSchedule s = BackupSchedule.parse("daily 02:30", ZoneOffset.UTC);
        assertThat(s.next(Instant.parse("2026-11-25T01:00:00Z"))).contains(Instant.parse("2026-11-25T02:30:00Z"));
        assertThat(s.next(Instant.parse("2026-11-25T02:30:00Z"))).contains(Instant.parse("2026-11-26T02:30:00Z"));
        assertThat(s.previous(Instant.parse("2026-11-25T01:00:00Z"))).contains(Instant.parse("2026-11-24T02:30:00Z"));
    }

    @Test
    void bareTimeAndCronExpressionsAreAccepted() {
        assertThat(BackupSchedule.parse("4:05", ZoneOffset.UTC).next(Instant.parse("2026-11-25T00:00:00Z")))
                .contains(Instant.parse("2026-11-25T04:05:00Z"));
        BackupSchedule every6h = BackupSchedule.parse("0 */6 * * *", ZoneOffset.UTC);
        assertThat(every6h.next(Instant.parse("2026-11-25T07:00:00Z"))).contains(Instant.parse("2026-11-25T12:00:00Z"));
    }

    @Test
    void scheduleFollowsItsZone() {
        BackupSchedule paris = BackupSchedule.parse("daily 02:00", ZoneId.of("Europe/Paris"));
        assertThat(paris.next(Instant.parse("2026-11-25T00:00:00Z"))).contains(Instant.parse("2026-11-25T01:00:00Z"));
    }

    @Test
    void offSchedulesNothing() {
        BackupSchedule off = BackupSchedule.parse("off", ZoneOffset.UTC);
        assertThat(off.enabled()).isFalse();
        assertThat(off.next(Instant.now())).isEmpty();
    }

    @Test
    void invalidExpressionsNameTheVariableAndTheAcceptedForms() {
        assertThatThrownBy(() -> BackupSchedule.parse("daily 25:99", ZoneOffset.UTC))
                .hasMessageContaining("BACKUP_SCHEDULE").hasMessageContaining("daily HH:MM");
        assertThatThrownBy(() -> BackupSchedule.parse("every tuesday", ZoneOffset.UTC))
                .hasMessageContaining("BACKUP_SCHEDULE");
        assertThatThrownBy(() -> BackupSchedule.parse("61 * * * *", ZoneOffset.UTC))
                .hasMessageContaining("BACKUP_SCHEDULE");
    }

    @Test
    void catchUpIsDueWhenTheLastScheduledRunWasMissed() {
        BackupSchedule s = BackupSchedule.parse("daily 02:00", ZoneOffset.UTC);
        Instant now = Instant.parse("2026-11-25T09:00:00Z");
        assertThat(BackupScheduler.catchUpDue(s, Optional.empty(), now)).isTrue();
        assertThat(BackupScheduler.catchUpDue(s, Optional.of(Instant.parse("2026-11-24T02:00:00Z")), now)).isTrue();
        assertThat(BackupScheduler.catchUpDue(s, Optional.of(Instant.parse("2026-11-25T02:00:01Z")), now)).isFalse();
        assertThat(BackupScheduler.catchUpDue(BackupSchedule.parse("off", ZoneOffset.UTC), Optional.empty(), now))
                .isFalse();
    }
}
