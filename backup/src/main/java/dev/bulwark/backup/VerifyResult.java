package dev.bulwark.backup;

/**
 * Outcome of {@link BackupManager#verify(String)}.
 *
 * @param id backup id
 * @param outcome what was found
 * @param detail human explanation
 */
public record VerifyResult(String id, Outcome outcome, String detail) {

    /** What verification found. */
    public enum Outcome {
        /** Checksum matches, data decrypts and decompresses to the recorded size. */
        OK,
        /** Stored bytes differ from the recorded checksum or size. */
        CORRUPT,
        /** The manifest does not say complete (failed or abandoned run). */
        INCOMPLETE,
        /** The manifest or its data object is missing. */
        MISSING,
        /** The bytes are intact but cannot be decrypted with the configured keys. */
        WRONG_KEY
    }

    /** Returns whether the backup is good. */
    public boolean ok() {
        return outcome == Outcome.OK;
    }
}
