package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * A source whose dump can be started before the backup's own set-up (clean-up of dead runs, the
 * {@code RUNNING} manifest, the store's upload), so that the database's work (pg_dump connecting and
 * reading the catalog) overlaps the JVM's. {@link BackupWriter} starts it first when a source
 * offers it; the result is the same as {@code toolVersions()} then {@code dump(out, context)}.
 */
public interface StartableSource {

    /**
     * Starts the dump: connects, takes the snapshot and starts the dump process.
     *
     * @param context the caller's thread factory
     * @return the started dump; close it in every case
     * @throws IOException when it cannot be started (the message names the setting to fix)
     */
    Started start(BackupContext context) throws IOException;

    /** A dump started by {@link #start}. */
    interface Started extends AutoCloseable {
        /**
         * The versions of the tools and the server.
         *
         * @return name to version
         */
        Map<String, String> toolVersions();

        /**
         * Streams the dump into {@code out} (not closed) and returns the row counts of its snapshot.
         *
         * @param out where the dump goes
         * @return rows per table
         * @throws IOException when the dump failed
         */
        Map<String, Long> dump(OutputStream out) throws IOException;

        /** Stops whatever still runs (the dump process, the snapshot's session). */
        @Override
        void close();
    }
}
