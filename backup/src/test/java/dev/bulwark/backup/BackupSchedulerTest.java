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

        try (BackupScheduler s = BackupScheduler.builder(m).clock(clock).build()) {
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

        try (BackupScheduler s = BackupScheduler.builder(m).clock(clock).build()) {
            assertThat(s.nextRun()).hasValueSatisfying(t -> assertThat(t)
                    .isBetween(Instant.parse("2026-11-26T02:00:00Z"), Instant.parse("2026-11-26T02:30:00Z")));
        }
        assertThat(m.list()).hasSize(1);
    }

    @Test
    void offSchedulesNothing() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
        try (BackupScheduler s = BackupScheduler.builder(manager(clock, "off", Duration.ZERO)).clock(clock).build()) {
            assertThat(s.nextRun()).isEmpty();
        }
    }

    @Test
    void theSchedulerRunsOnTheCallersThreadFactory() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T12:00:00Z"));
        java.util.List<String> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ThreadFactory factory = r -> {
            Thread t = new Thread(r, "caller-backup-" + made.size());
            t.setDaemon(true);
            made.add(t.getName());
            return t;
        };
        try (BackupScheduler s = BackupScheduler.builder(manager(clock, "daily 02:00", Duration.ZERO)).clock(clock)
                .threadFactory(factory).build()) {
            dev.bulwark.testsupport.Poll.until(java.time.Duration.ofSeconds(30), "the scheduler thread", () -> !made.isEmpty());
            assertThat(made).as("the scheduler's thread came from the caller's factory").isNotEmpty();
        }
    }
}
