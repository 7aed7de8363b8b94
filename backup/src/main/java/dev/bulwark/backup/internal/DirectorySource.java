package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.RestoreTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A directory of files (uploads, an embedded database's files) archived as a POSIX tar stream
 * (Apache Commons Compress). Counts are the number of files and their total size. Restores refuse
 * entries that would land outside the target (path traversal).
 */
public final class DirectorySource implements BackupSource {
    private final Path directory;

    /**
     * A directory source archived as tar.
     *
     * @param directory the directory to back up
     */
    public DirectorySource(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    }

    @Override
    public String kind() {
        return "files";
    }

    @Override
    public String name() {
        return directory.toString();
    }

    @Override
    public Map<String, Long> dump(OutputStream out) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("directory " + directory + " does not exist (BACKUP_SOURCE_DIR)");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().collect(java.util.stream.Collectors.toList());
        }
        long bytes = 0;
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new dev.bulwark.backup.internal.Counting.NonClosing(out));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        try (tar) {
            for (Path f : files) {
                TarArchiveEntry e = new TarArchiveEntry(f.toFile(), directory.relativize(f).toString());
                tar.putArchiveEntry(e);
                try (InputStream in = Files.newInputStream(f)) {
                    bytes += in.transferTo(tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return Map.of("files", (long) files.size(), "bytes", bytes);
    }

    static Map<String, Long> count(Path dir) throws IOException {
        long[] c = new long[2];
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                c[0]++;
                c[1] += Files.size(p);
            }
        }
        return Map.of("files", c[0], "bytes", c[1]);
    }

    @Override
    public RestoreTarget restoreTarget(String target) {
        boolean scratch = target == null;
        Path dir;
        try {
            if (scratch) {
                dir = Files.createTempDirectory("bulwark-restore-");
            } else {
                dir = Path.of(target).toAbsolutePath().normalize();
                if (Files.exists(dir)) {
                    try (Stream<Path> s = Files.list(dir)) {
                        if (s.findAny().isPresent()) {
                            throw new BackupException("restore directory " + dir + " is not empty; restore into a new"
                                    + " or empty directory (a restore never overwrites files)");
                        }
                    }
                }
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new BackupException("cannot prepare restore directory: " + e.getMessage(), e);
        }
        Path root = dir;
        return new RestoreTarget() {
            @Override
            public String describe() {
                return (scratch ? "scratch directory " : "directory ") + root;
            }

            @Override
            public void restore(InputStream dump) throws IOException {
                TarArchiveInputStream tar = new TarArchiveInputStream(dump);
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    Path dest = root.resolve(e.getName()).normalize();
                    if (!dest.startsWith(root) || e.isSymbolicLink() || e.isLink()) {
                        throw new IOException("archive entry '" + e.getName() + "' would land outside " + root
                                + "; refusing it");
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(dest);
                    } else {
                        Files.createDirectories(Objects.requireNonNull(dest.getParent(), "parent"));
                        Files.copy(tar, dest);
                    }
                }
            }

            @Override
            public Map<String, Long> counts() throws IOException {
                return count(root);
            }

            @Override
            public void discard() {
                try {
                    deleteTree(root);
                } catch (IOException e) {
                    throw new BackupException("cannot remove restore directory " + root + ": " + e.getMessage(), e);
                }
            }
        };
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                all.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) {
                all.add(d);
                return FileVisitResult.CONTINUE;
            }
        });
        all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                throw new IOException("could not empty " + p, e);
            }
        }
    }

    @Override
    public String toString() {
        return "DirectorySource[" + directory + "]";
    }
}
