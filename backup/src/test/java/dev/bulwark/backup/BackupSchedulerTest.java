package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.backup.internal.DirectorySource;
import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupSchedulerTest {
    @TempDir
    Path tmp;

    private BackupManager manager(MutableClock clock, String schedule, Duration jitter) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f.txt"), "data");
        return BackupManager.builder(new DirectorySource(src), new LocalBackupStore(tmp.resolve("store")))
                .settings(BackupSettings.builder().schedule(schedule).jitter(jitter).build()).clock(clock).build();
    }

    @Test
    void missedRunIsCaughtUpAtStartThenTheNextIsScheduled() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
        BackupManager m = manager(clock, "daily 02:00", Duration.ZERO);

        try (BackupScheduler s = BackupScheduler.start(m, clock)) {
            Poll.until(Duration.ofSeconds(20), "catch-up backup", () -> m.newestGood().isPresent());
            Poll.until(Duration.ofSeconds(5), "next run scheduled",
                    () -> s.nextRun().filter(t -> t.isAfter(clock.instant())).isPresent());
            assertThat(s.nextRun()).contains(Instant.parse("2026-11-26T02:00:00Z"));
        }
        assertThat(m.list()).hasSize(1);
    }

    @Test
    void noCatchUpWhenTheLastScheduledRunHappened() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T02:00:05Z"));
        BackupManager m = manager(clock, "daily 02:00", Duration.ofMinutes(30));
        m.backup();
        clock.advance(Duration.ofHours(7));

        try (BackupScheduler s = BackupScheduler.start(m, clock)) {
            assertThat(s.nextRun()).hasValueSatisfying(t -> assertThat(t)
                    .isBetween(Instant.parse("2026-11-26T02:00:00Z"), Instant.parse("2026-11-26T02:30:00Z")));
        }
        assertThat(m.list()).hasSize(1);
    }

    @Test
    void offSchedulesNothing() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
        try (BackupScheduler s = BackupScheduler.start(manager(clock, "off", Duration.ZERO), clock)) {
            assertThat(s.nextRun()).isEmpty();
        }
    }
}
