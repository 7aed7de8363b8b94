package dev.bulwark.backup;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.S3BackupStore;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where backups and their manifests are kept: a local directory ({@link #local(Path)}), an S3
 * bucket ({@link #s3(BackupSettings)}), or an implementation of the service's own.
 *
 * <p>Writes are all-or-nothing: an object becomes visible under its name only when its upload
 * is {@linkplain Upload#commit() committed}; a crash or an error before leaves no object under
 * that name (at most a leftover that {@link #cleanUpIncomplete()} removes).
 */
public interface BackupStore {

    /**
     * A store in a local directory (a mounted volume, an NFS share): each object written to a
     * temporary file, fsynced and renamed atomically; the directory is created {@code rwx------}.
     * Adds a host-wide file lock ({@link #hostLock()}) so two processes on one host never run a
     * backup at the same time.
     *
     * @param directory where backups go
     * @return the store
     */
    static BackupStore local(Path directory) {
        return new LocalBackupStore(directory);
    }

    /**
     * A store in the S3 bucket of the settings ({@code BACKUP_S3_*}), uploading in 8 MiB
     * multipart parts so that memory stays bounded and an object is visible only when complete.
     * Needs {@code software.amazon.awssdk:s3} and {@code software.amazon.awssdk:url-connection-client}.
     *
     * @param settings the settings with {@link BackupSettings#s3Bucket()} set
     * @return the store
     * @throws IllegalArgumentException when no bucket is set
     * @throws IllegalStateException when the AWS SDK is not on the class path
     */
    static BackupStore s3(BackupSettings settings) {
        return S3BackupStore.create(settings);
    }

    /**
     * A lock that keeps two processes on this host from running a backup at the same time; the
     * manager takes it together with its other locks. Empty by default (remote stores rely on
     * a database lock such as {@link BackupLock#postgres(javax.sql.DataSource)}).
     *
     * @return the host lock, or empty
     */
    default Optional<BackupLock> hostLock() {
        return Optional.empty();
    }

    /**
     * Returns an upload; closing it without committing discards it.
     *
     * @param name object name (letters, digits, {@code .-_})
     * @return an upload; closing it without committing discards it
     * @throws IOException when the store cannot be written
     */
    Upload create(String name) throws IOException;

    /**
     * Returns an upload like {@link #create(String)}, starting any helper thread it needs (an
     * early write-back, an upload pump) from {@link BackupContext#threadFactory()}. The manager
     * calls this one; the default delegates to {@link #create(String)}.
     *
     * @param name object name (letters, digits, {@code .-_})
     * @param context the run's context (the caller's thread factory)
     * @return an upload; closing it without committing discards it
     * @throws IOException when the store cannot be written
     */
    default Upload create(String name, BackupContext context) throws IOException {
        return create(name);
    }

    /**
     * Returns the object's bytes.
     *
     * @param name object name
     * @return the object's bytes
     * @throws java.nio.file.NoSuchFileException when there is no such object
     * @throws IOException when the store cannot be read
     */
    InputStream open(String name) throws IOException;

    /**
     * Returns the names of all committed objects.
     *
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
        /** Returns where the bytes go. */
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
