package dev.bulwark.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What is known about one backup, stored next to it as {@code <id>.manifest.json}.
 *
 * <p>Only a manifest whose {@link #status()} is {@link Status#COMPLETE} <em>and</em> whose data
 * object's SHA-256 equals {@link #sha256()} counts as a good backup.
 *
 * @param formatVersion manifest format (currently 1)
 * @param id backup id, sortable by start time ({@code 20261125T020000Z-1a2b3c})
 * @param status running, complete or failed
 * @param sourceKind {@code postgresql}, {@code h2}, {@code files} or a custom source's kind
 * @param database the database (or directory) that was backed up
 * @param toolVersions versions of the tools involved (pg_dump, server, zstd, tink...)
 * @param startedAt when the run started
 * @param finishedAt when it finished, {@code null} while running
 * @param rawBytes bytes the source produced (before compression)
 * @param storedBytes bytes stored (after compression and encryption)
 * @param sha256 hex SHA-256 of the stored data object, {@code null} unless complete
 * @param compression {@code zstd}, {@code gzip} or {@code none}
 * @param encryption {@code none} or the Tink template used
 * @param keyId id of the Tink key the data was encrypted with, {@code null} when not encrypted
 * @param dataObject name of the data object in the store
 * @param counts what the source counted in the snapshot it dumped (rows per table, files)
 * @param error why the run failed (the tool's stderr when a tool failed), else {@code null}
 * @param host the host that ran the backup
 */
public record Manifest(
        int formatVersion,
        String id,
        Status status,
        String sourceKind,
        String database,
        Map<String, String> toolVersions,
        Instant startedAt,
        Instant finishedAt,
        long rawBytes,
        long storedBytes,
        String sha256,
        String compression,
        String encryption,
        String keyId,
        String dataObject,
        Map<String, Long> counts,
        String error,
        String host) {

    /** Current manifest format. */
    public static final int FORMAT_VERSION = 1;

    /** Suffix of manifest objects in a store. */
    public static final String SUFFIX = ".manifest.json";

    /** Lifecycle of a backup. */
    public enum Status {
        /** Being written (or abandoned by a process that died: cleaned up by the next run). */
        RUNNING,
        /** Data stored, checksum recorded. */
        COMPLETE,
        /** Failed; {@link Manifest#error()} says why. Never restorable. */
        FAILED
    }

    /** Validates and copies the maps. */
    public Manifest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        toolVersions = toolVersions == null ? Map.of() : Map.copyOf(toolVersions);
        counts = counts == null ? Map.of() : Map.copyOf(counts);
    }

    /** Returns whether the manifest claims a complete backup (the checksum still has to verify). */
    public boolean complete() {
        return status == Status.COMPLETE;
    }

    /** Returns wall time of the run, or zero while running. */
    public Duration duration() {
        return finishedAt == null ? Duration.ZERO : Duration.between(startedAt, finishedAt);
    }

    /** Returns the manifest's object name in the store. */
    public String manifestObject() {
        return id + SUFFIX;
    }

    /**
     * A copy with the versions of the tools involved recorded.
     *
     * @param versions tool name to version
     * @return the copy
     */
    public Manifest withToolVersions(Map<String, String> versions) {
        return new Manifest(formatVersion, id, status, sourceKind, database, versions, startedAt, finishedAt,
                rawBytes, storedBytes, sha256, compression, encryption, keyId, dataObject, counts, error, host);
    }

    /**
     * A copy of this running manifest marked complete, with what the run measured.
     *
     * @param finished end time
     * @param raw bytes the source produced
     * @param stored bytes in the store
     * @param sha256Hex hex SHA-256 of the stored bytes
     * @param sourceCounts what the source counted in its snapshot
     * @return the complete manifest
     */
    public Manifest complete(Instant finished, long raw, long stored, String sha256Hex, Map<String, Long> sourceCounts) {
        return new Manifest(formatVersion, id, Status.COMPLETE, sourceKind, database, toolVersions, startedAt,
                finished, raw, stored, sha256Hex, compression, encryption, keyId, dataObject, sourceCounts, null, host);
    }

    /**
     * A copy marked failed, with the reason.
     *
     * @param finished end time
     * @param reason why it failed
     * @return this manifest marked failed
     */
    public Manifest failed(Instant finished, String reason) {
        return new Manifest(formatVersion, id, Status.FAILED, sourceKind, database, toolVersions, startedAt,
                finished, rawBytes, storedBytes, null, compression, encryption, keyId, dataObject, counts,
                reason, host);
    }
}
