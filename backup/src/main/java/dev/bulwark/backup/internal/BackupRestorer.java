package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.Manifest;
import dev.bulwark.backup.RestoreResult;
import dev.bulwark.backup.RestoreTarget;
import dev.bulwark.backup.VerifyResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup into a new target of its source and compares the restored counts with those
 * the source took when it dumped. A target whose restore failed is removed.
 */
public final class BackupRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRestorer.class);

    private final BackupSource source;
    private final Catalog catalog;
    private final BackupVerifier verifier;
    private final Clock clock;

    /**
     * A restorer of one catalog's backups into targets of one source.
     *
     * @param source makes the targets
     * @param catalog where the backups are
     * @param verifier checks and decodes them
     * @param clock measures the restore time
     */
    public BackupRestorer(BackupSource source, Catalog catalog, BackupVerifier verifier, Clock clock) {
        this.source = source;
        this.catalog = catalog;
        this.verifier = verifier;
        this.clock = clock;
    }

    /**
     * Restores a backup.
     *
     * @param id backup id
     * @param target a new target, or {@code null} for a scratch target that is discarded
     * @param force restore even when the manifest is not complete or the checksum does not match
     * @return the comparison of counts
     * @throws BackupException when refused or failed
     */
    public RestoreResult restore(String id, String target, boolean force) {
        Manifest m = catalog.manifest(id);
        if (!m.complete() && !force) {
            throw new BackupException("backup " + id + " is " + m.status() + ", not complete"
                    + (m.error() == null ? "" : " (" + m.error() + ")")
                    + "; refusing to restore it (a forced restore is the last resort)");
        }
        if (!verifier.hasKey(m)) {
            throw new BackupException(verifier.keyProblem(m, null) + "; nothing was restored");
        }
        VerifyResult check = verifier.checksum(m);
        if (!check.ok()) {
            if (!force) {
                throw new BackupException("backup " + id + " is " + check.outcome() + ": " + check.detail()
                        + "; refusing to restore it (restore an older backup; a forced restore is the last resort)");
            }
            LOG.warn("restoring backup {} although it is {}: forced", id, check.outcome());
        }
        Instant start = clock.instant();
        RestoreTarget t = source.restoreTarget(target);
        boolean keep = false;
        try {
            try (InputStream in = verifier.decode(m, catalog.store().open(m.dataObject()))) {
                t.restore(in, catalog.context());
            }
            Map<String, Long> actual = t.counts();
            List<String> mismatches = new ArrayList<>();
            for (String key : new TreeSet<>(m.counts().keySet())) {
                Long got = actual.get(key);
                if (!m.counts().get(key).equals(got)) {
                    mismatches.add(key + ": expected " + m.counts().get(key) + ", found " + got);
                }
            }
            for (String key : new TreeSet<>(actual.keySet())) {
                if (!m.counts().containsKey(key)) {
                    mismatches.add(key + ": not in the backup, found " + actual.get(key));
                }
            }
            Duration took = Duration.between(start, clock.instant());
            RestoreResult r = new RestoreResult(id, t.describe(), took, m.counts(), actual, mismatches);
            keep = target != null;
            LOG.info("restored backup {} into {} in {} ms: {}", id, t.describe(), took.toMillis(),
                    r.ok() ? "counts match" : "MISMATCH " + mismatches);
            return r;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage();
            if (m.keyId() != null && why != null && why.contains("No matching key")) {
                why = verifier.keyProblem(m, e);
            }
            throw new BackupException("restore of backup " + id + " into " + t.describe() + " failed: " + why
                    + "; the target was removed", e);
        } finally {
            if (!keep) {
                t.discard();
            }
        }
    }
}
