package dev.bulwark.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Something that can be dumped into a stream and restored from it: a PostgreSQL database
 * ({@link PgDumpSource}), an H2 database ({@link H2Source}) or a directory ({@link DirectorySource}).
 */
public interface BackupSource {

    /** @return the kind recorded in manifests, e.g. {@code postgresql} */
    String kind();

    /** @return what is backed up (database name, directory), never a password */
    String name();

    /**
     * Writes a consistent dump to {@code out}, streaming (never the whole dump in memory).
     *
     * @param out where the dump goes; not closed by the source
     * @return what the source counted in the same snapshot it dumped (e.g. rows per table);
     *     a restore test compares a restored copy with it
     * @throws IOException when the dump fails; the message carries the tool's error output
     */
    Map<String, Long> dump(OutputStream out) throws IOException;

    /**
     * Prepares a place to restore into.
     *
     * @param target a kind-specific name of a new, empty target (a database name, a JDBC URL, a
     *     directory), or {@code null} for a scratch target that is discarded after a restore test
     * @return the target
     * @throws BackupException when the target exists and is not empty, or cannot be created
     */
    RestoreTarget restoreTarget(String target);

    /** @return versions of the tools involved, for the manifest (empty when unknown) */
    default Map<String, String> toolVersions() {
        return Map.of();
    }
}
