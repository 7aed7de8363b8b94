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

    /** The daily form builds its cron schedule on first use: the same times as the cron expression, DST included. */
    @Test
    void dailyFormMatchesItsCronExpressionAcrossDaylightSavingChanges() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        BackupSchedule daily = BackupSchedule.parse("daily 02:30", paris);
        BackupSchedule cron = BackupSchedule.parse("30 2 * * *", paris);
        assertThat(daily.enabled()).isTrue();
        assertThat(daily.expression()).isEqualTo("daily 02:30");
        // 2026-03-29 02:30 does not exist in Paris, 2026-10-25 02:30 happens twice
        for (Instant t = Instant.parse("2026-03-26T00:00:00Z"); t.isBefore(Instant.parse("2026-04-02T00:00:00Z"));
                t = t.plusSeconds(3_600)) {
            assertThat(daily.next(t)).as("next after %s", t).isEqualTo(cron.next(t));
            assertThat(daily.previous(t)).as("previous at %s", t).isEqualTo(cron.previous(t));
        }
        for (Instant t = Instant.parse("2026-10-22T00:00:00Z"); t.isBefore(Instant.parse("2026-10-29T00:00:00Z"));
                t = t.plusSeconds(1_800)) {
            assertThat(daily.next(t)).as("next after %s", t).isEqualTo(cron.next(t));
            assertThat(daily.previous(t)).as("previous at %s", t).isEqualTo(cron.previous(t));
        }
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
