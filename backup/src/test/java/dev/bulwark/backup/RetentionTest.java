package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static Manifest backup(int daysAgo, Manifest.Status status) {
        Instant start = NOW.minus(Duration.ofDays(daysAgo));
        return new Manifest(1, "b" + daysAgo + status, status, "h2", "db", Map.of(), start,
                start.plusSeconds(60), 1, 1, status == Manifest.Status.COMPLETE ? "00" : null, "zstd", "none", null,
                "b" + daysAgo + ".dump.zst", Map.of(), null, "h");
    }

    private static List<Manifest> daily(int n) {
        List<Manifest> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(backup(i, Manifest.Status.COMPLETE));
        }
        return l;
    }

    @Test
    void keepsEverythingYoungerThanTheAgeLimit() {
        Retention.Plan plan = new Retention(30, 3, 0, 0, 0).plan(daily(40), NOW, ZoneOffset.UTC);
        assertThat(plan.keep()).hasSize(30);
        assertThat(plan.delete()).hasSize(10).allMatch(m -> m.startedAt().isBefore(NOW.minus(Duration.ofDays(29))));
        assertThat(plan.delete().get(0).id()).isEqualTo("b39COMPLETE");
    }

    @Test
    void keepsTheNewestGoodBackupsWhateverTheirAge() {
        List<Manifest> old = List.of(backup(100, Manifest.Status.COMPLETE), backup(200, Manifest.Status.COMPLETE),
                backup(300, Manifest.Status.COMPLETE), backup(400, Manifest.Status.COMPLETE));
        Retention.Plan plan = new Retention(30, 3, 0, 0, 0).plan(old, NOW, ZoneOffset.UTC);
        assertThat(plan.keep()).containsOnlyKeys("b100COMPLETE", "b200COMPLETE", "b300COMPLETE");
        assertThat(plan.keep().get("b100COMPLETE")).isEqualTo("newest good backup");
        assertThat(plan.delete()).extracting(Manifest::id).containsExactly("b400COMPLETE");
    }

    @Test
    void neverDeletesTheLastGoodBackupEvenWhenNewerRunsFailed() {
        List<Manifest> l = List.of(backup(1, Manifest.Status.FAILED), backup(2, Manifest.Status.FAILED),
                backup(90, Manifest.Status.COMPLETE));
        Retention.Plan plan = new Retention(1, 1, 0, 0, 0).plan(l, NOW, ZoneOffset.UTC);
        assertThat(plan.keep()).containsOnlyKeys("b90COMPLETE");
        assertThat(plan.delete()).extracting(Manifest::id).containsExactly("b2FAILED");
    }

    @Test
    void failedRunsAreKeptAsEvidenceUntilTheAgeLimitAndRunningOnesAreNeverTouched() {
        List<Manifest> l = List.of(backup(0, Manifest.Status.COMPLETE), backup(5, Manifest.Status.FAILED),
                backup(50, Manifest.Status.FAILED), backup(60, Manifest.Status.RUNNING));
        Retention.Plan plan = new Retention(30, 1, 0, 0, 0).plan(l, NOW, ZoneOffset.UTC);
        assertThat(plan.delete()).extracting(Manifest::id).containsExactly("b50FAILED");
    }

    @Test
    void grandfatherFatherSonKeepsOnePerDayWeekAndMonth() {
        List<Manifest> l = daily(400);
        Retention.Plan plan = new Retention(1, 1, 7, 4, 12).plan(l, NOW, ZoneOffset.UTC);
        assertThat(plan.keep().values()).filteredOn(r -> r.startsWith("monthly")).hasSizeBetween(10, 12);
        assertThat(plan.keep()).hasSizeBetween(7 + 3 + 10, 7 + 4 + 12);
        assertThat(plan.keep().keySet()).contains("b0COMPLETE", "b6COMPLETE");
        assertThat(plan.keep()).doesNotContainKey("b399COMPLETE");
    }

    @Test
    void invalidSettingsNameTheVariable() {
        assertThatThrownBy(() -> new Retention(0, 3, 0, 0, 0)).hasMessageContaining("BACKUP_RETENTION_DAYS");
        assertThatThrownBy(() -> new Retention(30, 0, 0, 0, 0)).hasMessageContaining("BACKUP_KEEP_NEWEST")
                .hasMessageContaining("never deleted");
        assertThatThrownBy(() -> new Retention(30, 1, -1, 0, 0)).hasMessageContaining("BACKUP_KEEP_DAILY");
    }
}
