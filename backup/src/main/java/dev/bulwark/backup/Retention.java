package dev.bulwark.backup;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which backups to keep. A good backup is kept when any rule keeps it: younger than
 * {@code days}; among the {@code keepNewest} newest good ones; the newest of one of the last
 * {@code daily} days, {@code weekly} ISO weeks or {@code monthly} months (grandfather-father-son).
 * The newest good backup is always kept. Failed and abandoned runs are deleted once older than
 * {@code days} (they are evidence until then).
 *
 * @param days age limit in days (default 30)
 * @param keepNewest good backups always kept whatever their age (default 3, at least 1)
 * @param daily days for which the newest backup is kept (0 = off)
 * @param weekly ISO weeks for which the newest backup is kept (0 = off)
 * @param monthly months for which the newest backup is kept (0 = off)
 */
public record Retention(int days, int keepNewest, int daily, int weekly, int monthly) {

    /** 30 days, 3 newest, no GFS. */
    public static final Retention DEFAULT = new Retention(30, 3, 0, 0, 0);

    /** Validates the ranges. */
    public Retention {
        if (days < 1 || days > 36_500) {
            throw new IllegalArgumentException("retention days (BACKUP_RETENTION_DAYS) must be 1..36500, got " + days);
        }
        if (keepNewest < 1 || keepNewest > 10_000) {
            throw new IllegalArgumentException("retention keepNewest (BACKUP_KEEP_NEWEST) must be 1..10000, got "
                    + keepNewest + " (the newest good backup is never deleted)");
        }
        if (daily < 0 || weekly < 0 || monthly < 0) {
            throw new IllegalArgumentException("retention daily/weekly/monthly (BACKUP_KEEP_DAILY/WEEKLY/MONTHLY)"
                    + " must be 0 or more, got " + daily + "/" + weekly + "/" + monthly);
        }
    }

    /**
     * What to keep and what to delete.
     *
     * @param keep id of each kept backup with the first rule that kept it
     * @param delete manifests to delete, oldest first
     */
    public record Plan(Map<String, String> keep, List<Manifest> delete) {
        /** Copies. */
        public Plan {
            keep = Map.copyOf(keep);
            delete = List.copyOf(delete);
        }
    }

    /**
     * Returns the plan.
     *
     * @param manifests all manifests in the store (any order); running ones are never touched
     * @param now the current time
     * @param zone zone that days, weeks and months are counted in
     * @return the plan
     */
    public Plan plan(List<Manifest> manifests, Instant now, ZoneId zone) {
        List<Manifest> sorted = new ArrayList<>(manifests);
        sorted.sort(Comparator.comparing(Manifest::startedAt).reversed());
        Instant cutoff = now.minus(Duration.ofDays(days));
        Map<String, String> keep = new LinkedHashMap<>();
        Set<LocalDate> dailySeen = new HashSet<>();
        Set<String> weeklySeen = new HashSet<>();
        Set<YearMonth> monthlySeen = new HashSet<>();
        int good = 0;
        for (Manifest m : sorted) {
            if (!m.complete()) {
                continue;
            }
            good++;
            LocalDate day = LocalDate.ofInstant(m.startedAt(), zone);
            String week = day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            YearMonth month = YearMonth.from(day);
            String reason = null;
            if (good == 1) {
                reason = "newest good backup";
            } else if (good <= keepNewest) {
                reason = "among the " + keepNewest + " newest good backups";
            } else if (m.startedAt().isAfter(cutoff)) {
                reason = "younger than " + days + " days";
            }
            if (!dailySeen.contains(day) && dailySeen.size() < daily) {
                dailySeen.add(day);
                reason = reason == null ? "daily " + day : reason;
            }
            if (!weeklySeen.contains(week) && weeklySeen.size() < weekly) {
                weeklySeen.add(week);
                reason = reason == null ? "weekly " + week : reason;
            }
            if (!monthlySeen.contains(month) && monthlySeen.size() < monthly) {
                monthlySeen.add(month);
                reason = reason == null ? "monthly " + month : reason;
            }
            if (reason != null) {
                keep.put(m.id(), reason);
            }
        }
        List<Manifest> delete = new ArrayList<>();
        for (Manifest m : sorted) {
            if (keep.containsKey(m.id()) || m.status() == Manifest.Status.RUNNING) {
                continue;
            }
            if (m.complete() || m.startedAt().isBefore(cutoff)) {
                delete.add(m);
            }
        }
        delete.sort(Comparator.comparing(Manifest::startedAt));
        return new Plan(keep, delete);
    }
}
