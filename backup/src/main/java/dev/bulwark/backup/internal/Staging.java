package dev.bulwark.backup.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An owner-only staging directory for a directory-format dump ({@code pg_dump -Fd}), locked while
 * in use: a process killed mid-backup leaves it unlocked, and the next run removes it. The dump
 * goes into the store as one tar archive of the directory's plain files.
 */
final class Staging implements AutoCloseable {
    static final String PREFIX = "bulwark-pgdump-";
    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);
    private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,100}");
    private static final String LOCK = ".lock";

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private Staging(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates and locks a new staging directory, after removing those of killed runs.
     *
     * @param parent where (created if missing)
     * @return the locked staging directory
     * @throws IOException when it cannot be created
     */
    static Staging create(Path parent) throws IOException {
        Files.createDirectories(parent);
        cleanUpAbandoned(parent);
        Path root;
        try {
            root = Files.createTempDirectory(parent, PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            root = Files.createTempDirectory(parent, PREFIX);
        }
        FileChannel ch = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock l = ch.lock();
        return new Staging(root, ch, l);
    }

    /** Returns where pg_dump writes its directory (does not exist yet). */
    Path dumpDirectory() {
        return root.resolve("dump");
    }

    /**
     * Removes staging directories left by killed runs: those whose lock nobody holds.
     *
     * @param parent the staging parent directory
     * @return how many were removed
     */
    static int cleanUpAbandoned(Path parent) {
        int removed = 0;
        if (!Files.isDirectory(parent)) {
            return 0;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path dir : dirs) {
                Path lockFile = dir.resolve(LOCK);
                if (!Files.isDirectory(dir) || !Files.exists(lockFile)) {
                    continue; // being created right now, or not ours
                }
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock l;
                    try {
                        l = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        l = null; // held in this JVM
                    }
                    if (l == null) {
                        continue;
                    }
                    deleteTree(dir);
                    removed++;
                    LOG.info("removed staging directory {} left by a killed backup", dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean up staging directories in {}: {}", parent, e.getMessage());
        }
        return removed;
    }

    /**
     * Writes the dump directory as a tar archive (plain files, sorted, {@code toc.dat} first),
     * deleting each file once archived so the staging space shrinks as the archive is streamed.
     *
     * @param out where the archive goes (not closed)
     * @throws IOException when a file cannot be read or the stream fails
     */
    void tarTo(OutputStream out) throws IOException {
        tarTo(out, (name, to) -> to);
    }

    /**
     * Like {@link #tarTo(OutputStream)}, each file's bytes also passing through {@code tap}.
     *
     * @param out where the archive goes (not closed)
     * @param tap given the file name and the archive stream, returns the stream to copy the file into
     * @throws IOException when a file cannot be read or the stream fails
     */
    void tarTo(OutputStream out, java.util.function.BiFunction<String, OutputStream, OutputStream> tap)
            throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dumpDirectory())) {
            s.filter(Files::isRegularFile).sorted((a, b) -> {
                boolean ta = "toc.dat".equals(String.valueOf(a.getFileName()));
                boolean tb = "toc.dat".equals(String.valueOf(b.getFileName()));
                return ta != tb ? (ta ? -1 : 1) : a.compareTo(b);
            }).forEach(files::add);
        }
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new Counting.NonClosing(out));
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Path f : files) {
            TarArchiveEntry e = new TarArchiveEntry(String.valueOf(f.getFileName()));
            e.setSize(Files.size(f));
            e.setMode(0600);
            // whole seconds: a sub-second time would add a PAX header to every entry
            e.setModTime(Files.getLastModifiedTime(f).toMillis() / 1000 * 1000);
            tar.putArchiveEntry(e);
            try (InputStream in = Files.newInputStream(f)) {
                Tool.copy(in, tap.apply(String.valueOf(f.getFileName()), tar));
            }
            tar.closeArchiveEntry();
            Files.delete(f);
        }
        tar.finish();
        tar.close();
    }

    /**
     * Extracts a tar archive written by {@link #tarTo} into the dump directory. Only plain files
     * with plain names are accepted: nothing can be written outside the staging directory.
     *
     * @param in the archive (not closed)
     * @throws IOException when it is not such an archive
     */
    void untarFrom(InputStream in) throws IOException {
        Path dir = Files.createDirectory(dumpDirectory());
        TarArchiveInputStream tar = new TarArchiveInputStream(new Counting.NonClosingIn(in));
        TarArchiveEntry e;
        int n = 0;
        while ((e = tar.getNextEntry()) != null) {
            // isFile() is also true of links and devices: only the two plain-file type flags pass
            boolean plain = e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM;
            if (!plain || !ENTRY.matcher(e.getName()).matches()) {
                throw new IOException("the directory-format archive holds an entry that is not a plain file name: '"
                        + e.getName() + "'; refusing it");
            }
            try (OutputStream out = Files.newOutputStream(dir.resolve(e.getName()), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                Tool.copy(tar, out);
            }
            n++;
        }
        if (n == 0 || !Files.exists(dir.resolve("toc.dat"))) {
            throw new IOException("the directory-format archive has no toc.dat: not a pg_dump -Fd archive");
        }
        // drain the rest (tar padding) so the checksum/decoder layers below see the whole stream
        in.transferTo(OutputStream.nullOutputStream());
    }

    @Override
    public void close() throws IOException {
        try {
            deleteTree(root);
        } finally {
            try (lockChannel) {
                if (lock.isValid()) {
                    lock.release();
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteIfExists(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (NoSuchFileException ignored) {
            // gone already
        }
    }
}
