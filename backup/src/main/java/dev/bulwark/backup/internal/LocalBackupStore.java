package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupContext;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupLock;
import dev.bulwark.backup.BackupStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Backups in a local directory (or a mounted volume). An object is written to a temporary
 * {@code .partial-*} file, fsynced, then atomically renamed, and the directory is fsynced: a
 * killed process or a full disk never leaves a file under a backup's name. The directory is
 * created owner-only ({@code rwx------}) and files {@code rw-------}.
 */
public final class LocalBackupStore implements BackupStore {
    static final String PARTIAL_PREFIX = ".partial-";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.Set<StandardOpenOption> CREATE_NEW_WRITE =
            java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private final Path directory;
    private final WriteBack writeBack;

    /**
     * A store in a directory.
     *
     * @param directory where backups go; created if missing
     */
    public LocalBackupStore(Path directory) {
        this(directory, channel -> channel.force(false));
    }

    /**
     * A store whose background write-back goes through {@code writeBack} (tests: a disk that
     * reports an error once).
     */
    LocalBackupStore(Path directory, WriteBack writeBack) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.writeBack = Objects.requireNonNull(writeBack, "writeBack");
    }

    /** Writes back what was written so far to an object being uploaded ({@code force(false)}). */
    @FunctionalInterface
    interface WriteBack {
        /**
         * Forces the channel's data to the disk.
         *
         * @param channel the open temp file of an upload
         * @throws IOException when the disk reports an error
         */
        void force(FileChannel channel) throws IOException;
    }

    /** Returns the directory. */
    public Path directory() {
        return directory;
    }

    private Path ensureDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(directory);
            }
        }
        return directory;
    }

    /**
     * Checks an object name: 1 to 201 letters, digits, {@code .-_}, not starting with a dot (no
     * path can be smuggled in through a backup id).
     *
     * @param name the name
     * @return the same name
     * @throws IllegalArgumentException naming the rule when it does not hold
     */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("object name '" + name + "' must be 1-201 letters, digits, '.', '-', '_'"
                    + " and not start with a dot");
        }
        return name;
    }

    @Override
    public Upload create(String name) throws IOException {
        return create(name, BackupContext.defaults());
    }

    @Override
    public Upload create(String name, BackupContext context) throws IOException {
        checkName(name);
        Path dir = ensureDirectory();
        Path temp = dir.resolve(PARTIAL_PREFIX + name + "-" + HexFormat.of().formatHex(randomBytes()));
        FileChannel channel;
        try {
            channel = FileChannel.open(temp, CREATE_NEW_WRITE,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            channel = FileChannel.open(temp, CREATE_NEW_WRITE);
        }
        FileChannel open = channel;
        Syncer syncer = new Syncer(() -> {
            if (open.isOpen()) {
                writeBack.force(open);
            }
        }, context.threadFactory());
        return new LocalUpload(dir, temp, dir.resolve(name), channel, syncer);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public InputStream open(String name) throws IOException {
        checkName(name);
        return Files.newInputStream(directory.resolve(name));
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                Path fileName = p.getFileName();
                String n = fileName == null ? "." : fileName.toString();
                if (!n.startsWith(".") && Files.isRegularFile(p)) {
                    names.add(n);
                }
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public void delete(String name) throws IOException {
        checkName(name);
        Files.deleteIfExists(directory.resolve(name));
    }

    @Override
    public int cleanUpIncomplete() throws IOException {
        int removed = 0;
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, PARTIAL_PREFIX + "*")) {
            for (Path p : entries) {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * A lock on {@code .lock} in the directory ({@link FileChannel#tryLock()}), so that processes on
     * this host sharing the directory (the service and a cron job) never back up at the same time.
     *
     * @return the lock
     */
    @Override
    public Optional<BackupLock> hostLock() {
        return Optional.of(fileLock());
    }

    private BackupLock fileLock() {
        return new BackupLock() {
            @Override
            public Optional<Held> tryAcquire() {
                try {
                    FileChannel ch = FileChannel.open(ensureDirectory().resolve(".lock"),
                            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock;
                    try {
                        lock = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        lock = null;
                    }
                    if (lock == null) {
                        ch.close();
                        return Optional.empty();
                    }
                    FileLock held = lock;
                    return Optional.of(() -> {
                        try (ch) {
                            held.release();
                        } catch (IOException e) {
                            // closing the channel releases the lock anyway
                        }
                    });
                } catch (IOException e) {
                    throw new BackupException("cannot take the lock file in " + directory + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String describe() {
                return "another process using " + directory;
            }
        };
    }

    @Override
    public String toString() {
        return "LocalBackupStore[" + directory + "]";
    }

    private static final class LocalUpload implements Upload {
        private final Path dir;
        private final Path temp;
        private final Path target;
        private final FileChannel channel;
        private final OutputStream stream;
        private final Syncer syncer;
        private boolean committed;

        LocalUpload(Path dir, Path temp, Path target, FileChannel channel, Syncer syncer) {
            this.dir = dir;
            this.temp = temp;
            this.target = target;
            this.channel = channel;
            this.syncer = syncer;
            OutputStream file = Channels.newOutputStream(channel);
            this.stream = new java.io.BufferedOutputStream(new java.io.FilterOutputStream(file) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    syncer.written(len);
                }
            }, 256 * 1024) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            stream.flush();
            syncer.stop();
            channel.force(true);
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the backup directory " + dir + " does not support atomic renames; use a local"
                        + " filesystem", e);
            }
            committed = true;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some filesystems cannot fsync a directory; the rename is still atomic
            }
        }

        @Override
        public void close() throws IOException {
            syncer.stopSilently();
            if (!committed) {
                try {
                    channel.close();
                } finally {
                    try {
                        Files.deleteIfExists(temp);
                    } catch (NoSuchFileException ignored) {
                        // already gone
                    }
                }
            }
        }
    }

    /**
     * Writes back what has been written so far on a background thread, every
     * {@value #SYNC_EVERY} bytes, while the backup keeps streaming: the fsync at commit then has
     * only the tail to write instead of the whole object (measured: about 1 s for 60 MB at the end
     * otherwise). The commit's own {@code force(true)} is still what makes the object durable.
     */
    static final class Syncer {
        static final long SYNC_EVERY = 16L * 1024 * 1024;
        private final Flush flush;
        private volatile IOException failure;
        private final java.util.concurrent.Semaphore due = new java.util.concurrent.Semaphore(0);
        private long sinceSync;
        private volatile boolean stopped;
        private final java.util.concurrent.ThreadFactory threads;
        private Thread thread;

        /** One write-back of the file being written. */
        @FunctionalInterface
        interface Flush {
            /**
             * Writes back what was written so far.
             *
             * @throws IOException when the disk reports an error
             */
            void run() throws IOException;
        }

        Syncer(Flush flush, java.util.concurrent.ThreadFactory threads) {
            this.flush = flush;
            this.threads = threads;
        }

        /** Called by the writing thread only. */
        void written(int len) {
            sinceSync += len;
            if (sinceSync >= SYNC_EVERY && !stopped) {
                sinceSync = 0;
                if (thread == null) {
                    thread = threads.newThread(this::run);
                    thread.start();
                }
                if (due.availablePermits() == 0) {
                    due.release();
                }
            }
        }

        private void run() {
            try {
                while (!stopped) {
                    due.acquire();
                    if (!stopped) {
                        flush.run();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // Linux reports a write-back error once per open file: this fsync may have taken it
                // from the commit's, which would then succeed. Keep it for the commit to report.
                failure = e;
            }
        }

        /**
         * Stops the write-back thread.
         *
         * @throws IOException when a write-back failed: the data on disk cannot be trusted
         */
        void stop() throws IOException {
            stopSilently();
            IOException e = failure;
            if (e != null) {
                throw new IOException("the disk reported a write error during the backup (" + e.getMessage()
                        + "): the stored data cannot be trusted", e);
            }
        }

        void stopSilently() {
            stopped = true;
            due.release();
            Thread t = thread;
            if (t != null) {
                try {
                    t.join(java.util.concurrent.TimeUnit.SECONDS.toMillis(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
