package dev.bulwark.backup;

import dev.bulwark.backup.internal.DirectorySource;
import dev.bulwark.backup.internal.H2Source;
import dev.bulwark.backup.internal.PgDumpSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Something that can be dumped into a stream and restored from it: a PostgreSQL database
 * ({@link #postgres}), an H2 database ({@link #h2}), a directory ({@link #directory}) or an
 * implementation of the service's own.
 */
public interface BackupSource {

    /**
     * A PostgreSQL database dumped with {@code pg_dump --format=custom} from one exported snapshot
     * (row counts taken in the same snapshot) and restored with {@code pg_restore
     * --single-transaction} into a new database; with {@link BackupSettings#pgJobs()} of 2 or more,
     * dumped in parallel in directory format ({@code pg_dump -Fd -j N}, same snapshot), stored as
     * one tar archive and restored with {@code pg_restore -j N}. The password reaches the tools only through
     * {@code PGPASSWORD}; {@code pg_dump}'s major version must be at least the server's.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host:port/database}
     * @param user database user
     * @param password its password (never logged)
     * @param settings where {@code pg_dump} / {@code pg_restore} are ({@code BACKUP_PG_DUMP}, {@code BACKUP_PG_RESTORE})
     * @return the source
     * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL
     */
    static BackupSource postgres(String jdbcUrl, String user, String password, BackupSettings settings) {
        return new PgDumpSource(jdbcUrl, user, password, settings);
    }

    /**
     * An H2 database dumped with {@code SCRIPT} (streamed row by row) and restored with
     * {@code RUNSCRIPT}; a restore test uses an in-memory scratch database.
     *
     * @param jdbcUrl {@code jdbc:h2:...}
     * @param user database user
     * @param password its password (never logged)
     * @return the source
     */
    static BackupSource h2(String jdbcUrl, String user, String password) {
        return new H2Source(jdbcUrl, user, password);
    }

    /**
     * A directory archived as a POSIX tar (path traversal refused on restore; restored only
     * into a new, empty directory).
     *
     * @param directory what to back up
     * @return the source
     */
    static BackupSource directory(Path directory) {
        return new DirectorySource(directory);
    }

    /** Returns the kind recorded in manifests, e.g. {@code postgresql}. */
    String kind();

    /** Returns what is backed up (database name, directory), never a password. */
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
     * Writes a consistent dump to {@code out} like {@link #dump(OutputStream)}, starting any helper
     * thread it needs (a pump of a tool's output, a concurrent counter) from
     * {@link BackupContext#threadFactory()}. The manager calls this one; the default delegates to
     * {@link #dump(OutputStream)}, so an implementation that starts no thread needs only that.
     *
     * @param out where the dump goes; not closed by the source
     * @param context the run's context (the caller's thread factory)
     * @return what the source counted in the same snapshot it dumped
     * @throws IOException when the dump fails; the message carries the tool's error output
     */
    default Map<String, Long> dump(OutputStream out, BackupContext context) throws IOException {
        return dump(out);
    }

    /**
     * Prepares a place to restore into.
     *
     * @param target a kind-specific name of a new, empty target (a database name, a JDBC URL, a
     *     directory), or {@code null} for a scratch target that is discarded after a restore test
     * @return the target
     * @throws BackupException when the target exists and is not empty, or cannot be created
     */
    RestoreTarget restoreTarget(String target);

    /**
     * Returns the data object's name part after the backup id and before the compression
     * extension, telling what the raw bytes are (default {@code .dump}; a parallel PostgreSQL
     * dump is {@code .dir.tar}).
     */
    default String dataExtension() {
        return ".dump";
    }

    /** Returns versions of the tools involved, for the manifest (empty when unknown). */
    default Map<String, String> toolVersions() {
        return Map.of();
    }
}
