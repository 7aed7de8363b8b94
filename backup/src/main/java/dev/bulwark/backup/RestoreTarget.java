package dev.bulwark.backup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** A fresh place a dump is restored into (see {@link BackupSource#restoreTarget(String)}). */
public interface RestoreTarget {

    /** Returns what this is, for logs and reports (no passwords). */
    String describe();

    /**
     * Restores a dump produced by the same kind of source.
     *
     * @param dump the decrypted, decompressed dump
     * @throws IOException when the restore fails; the message carries the tool's error output
     */
    void restore(InputStream dump) throws IOException;

    /**
     * Restores a dump like {@link #restore(InputStream)}, starting any helper thread it needs from
     * {@link BackupContext#threadFactory()}. The manager calls this one; the default delegates to
     * {@link #restore(InputStream)}.
     *
     * @param dump the decrypted, decompressed dump
     * @param context the run's context (the caller's thread factory)
     * @throws IOException when the restore fails; the message carries the tool's error output
     */
    default void restore(InputStream dump, BackupContext context) throws IOException {
        restore(dump);
    }

    /**
     * Returns the same counts {@link BackupSource#dump} returns, taken from the restored copy.
     *
     * @return the same counts {@link BackupSource#dump} returns, taken from the restored copy
     * @throws IOException when they cannot be read
     */
    Map<String, Long> counts() throws IOException;

    /** Removes the target (a scratch target after a test, or a target whose restore failed). */
    void discard();
}
