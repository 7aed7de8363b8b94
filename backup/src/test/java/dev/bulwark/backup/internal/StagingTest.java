package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {
    @TempDir
    Path tmp;

    private static byte[] tar(String name, byte type, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry ok = new TarArchiveEntry("toc.dat");
            ok.setSize(3);
            tar.putArchiveEntry(ok);
            tar.write("toc".getBytes(StandardCharsets.UTF_8));
            tar.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry(name, type);
            if (type == TarArchiveEntry.LF_SYMLINK) {
                e.setLinkName("/etc/passwd");
            } else {
                byte[] b = content.getBytes(StandardCharsets.UTF_8);
                e.setSize(b.length);
                tar.putArchiveEntry(e);
                tar.write(b);
                tar.closeArchiveEntry();
                tar.finish();
                return bytes.toByteArray();
            }
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anArchiveEntryThatEscapesTheStagingDirectoryIsRefused() throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("staging"));
        byte[] evil = tar("../../escaped.dat", TarArchiveEntry.LF_NORMAL, "owned");
        try (Staging s = Staging.create(parent)) {
            assertThatThrownBy(() -> s.untarFrom(new ByteArrayInputStream(evil)))
                    .hasMessageContaining("not a plain file name").hasMessageContaining("../../escaped.dat");
        }
        assertThat(parent.resolve("escaped.dat")).doesNotExist();
        assertThat(count(tmp)).isZero();
    }

    @Test
    void aSymlinkEntryIsRefused() throws Exception {
        byte[] evil = tar("link.dat", TarArchiveEntry.LF_SYMLINK, "");
        try (Staging s = Staging.create(tmp)) {
            assertThatThrownBy(() -> s.untarFrom(new ByteArrayInputStream(evil)))
                    .hasMessageContaining("not a plain file name");
            assertThat(s.dumpDirectory().resolve("link.dat")).doesNotExist();
        }
    }

    @Test
    void tarRoundTripKeepsTheFilesAndTheStagingIsOwnerOnlyAndRemovedOnClose() throws Exception {
        Path root;
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (Staging s = Staging.create(tmp)) {
            root = s.dumpDirectory().getParent();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
            Files.createDirectory(s.dumpDirectory());
            Files.writeString(s.dumpDirectory().resolve("3001.dat"), "rows");
            Files.writeString(s.dumpDirectory().resolve("toc.dat"), "toc");
            s.tarTo(archive);
            assertThat(s.dumpDirectory()).isEmptyDirectory(); // each file deleted once archived
        }
        assertThat(root).doesNotExist();
        try (Staging s = Staging.create(tmp)) {
            s.untarFrom(new ByteArrayInputStream(archive.toByteArray()));
            assertThat(Files.readString(s.dumpDirectory().resolve("toc.dat"))).isEqualTo("toc");
            assertThat(Files.readString(s.dumpDirectory().resolve("3001.dat"))).isEqualTo("rows");
        }
    }

    @Test
    void cleanUpRemovesOnlyUnlockedStagingDirectories() throws Exception {
        try (Staging inUse = Staging.create(tmp)) {
            Path abandoned = Files.createDirectory(tmp.resolve(Staging.PREFIX + "killed"));
            Files.createFile(abandoned.resolve(".lock"));
            Files.writeString(abandoned.resolve("toc.dat"), "left by a killed run");

            assertThat(Staging.cleanUpAbandoned(tmp)).isEqualTo(1);

            assertThat(abandoned).doesNotExist();
            assertThat(inUse.dumpDirectory().getParent()).isDirectory();
        }
    }
}
