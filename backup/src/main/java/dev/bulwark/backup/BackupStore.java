package dev.bulwark.backup;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Where backups and their manifests are kept: {@link LocalBackupStore} or {@link S3BackupStore}.
 *
 * <p>Writes are all-or-nothing: an object becomes visible under its name only when its upload
 * is {@linkplain Upload#commit() committed}; a crash or an error before leaves no object under
 * that name (at most a leftover that {@link #cleanUpIncomplete()} removes).
 */
public interface BackupStore {

    /**
     * @param name object name (letters, digits, {@code .-_})
     * @return an upload; closing it without committing discards it
     * @throws IOException when the store cannot be written
     */
    Upload create(String name) throws IOException;

    /**
     * @param name object name
     * @return the object's bytes
     * @throws java.nio.file.NoSuchFileException when there is no such object
     * @throws IOException when the store cannot be read
     */
    InputStream open(String name) throws IOException;

    /**
     * @return the names of all committed objects
     * @throws IOException when the store cannot be listed
     */
    List<String> list() throws IOException;

    /**
     * Deletes an object; deleting a missing one is not an error.
     *
     * @param name object name
     * @throws IOException when the store refuses
     */
    void delete(String name) throws IOException;

    /**
     * Removes leftovers of uploads that were never committed (temporary files, unfinished
     * multipart uploads). Called by the manager while it holds the backup lock.
     *
     * @return how many leftovers were removed
     * @throws IOException when the store cannot be cleaned
     */
    int cleanUpIncomplete() throws IOException;

    /** An object being written. */
    interface Upload extends Closeable {
        /** @return where the bytes go */
        OutputStream stream();

        /**
         * Makes the object durable and visible under its name, atomically.
         *
         * @throws IOException when it could not be made durable (the object then does not exist)
         */
        void commit() throws IOException;

        /** Discards the object unless it was committed. */
        @Override
        void close() throws IOException;
    }
}
