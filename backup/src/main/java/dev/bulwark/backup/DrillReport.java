package dev.bulwark.backup;

import java.time.Duration;

/**
 * Result of a disaster-recovery drill ({@link BackupManager#drill}).
 *
 * @param backupId the backup restored (the newest good one)
 * @param backupAge age of that backup when the disaster struck: the data loss it implies (RPO achieved)
 * @param rpo the recovery point objective
 * @param restoreTime measured time from the start of recovery to verified data (RTO achieved)
 * @param rto the recovery time objective
 * @param restore the restore's details (counts compared)
 */
public record DrillReport(String backupId, Duration backupAge, Duration rpo, Duration restoreTime, Duration rto,
        RestoreResult restore) {

    /** Returns whether content matched and both objectives were met. */
    public boolean passed() {
        return restore.ok() && backupAge.compareTo(rpo) <= 0 && restoreTime.compareTo(rto) <= 0;
    }

    /** Returns a one-line summary for logs and the CLI. */
    public String summary() {
        return (passed() ? "PASSED" : "FAILED") + ": restored " + backupId + " into " + restore.target()
                + " in " + restoreTime.toMillis() + " ms (RTO " + rto + "), backup age "
                + backupAge.toSeconds() + " s (RPO " + rpo + "), content "
                + (restore.ok() ? "matches (" + restore.actual().size() + " counts)" : "differs: " + restore.mismatches());
    }
}
