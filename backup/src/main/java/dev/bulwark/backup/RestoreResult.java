package dev.bulwark.backup;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Outcome of a restore or restore test.
 *
 * @param id backup restored
 * @param target where it went ({@code scratch ...} for a restore test, discarded afterwards)
 * @param duration wall time of the restore (reading, decrypting, decompressing, loading, counting)
 * @param expected counts recorded in the manifest
 * @param actual counts found in the restored copy
 * @param mismatches one line per count that differs; empty when all match
 */
public record RestoreResult(String id, String target, Duration duration, Map<String, Long> expected,
        Map<String, Long> actual, List<String> mismatches) {

    /** Copies. */
    public RestoreResult {
        expected = Map.copyOf(expected);
        actual = Map.copyOf(actual);
        mismatches = List.copyOf(mismatches);
    }

    /** Returns whether the restored copy matches the manifest. */
    public boolean ok() {
        return mismatches.isEmpty();
    }
}
