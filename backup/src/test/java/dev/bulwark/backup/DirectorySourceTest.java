package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.internal.DirectorySource;
import dev.bulwark.backup.internal.LocalBackupStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {
    @TempDir
    Path tmp;

    @Test
    void directoryRoundTripsThroughTheManager() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("uploads/nested"));
        Files.writeString(src.resolve("a.txt"), "alpha");
        Files.write(src.getParent().resolve("b.bin"), new byte[100_000]);
        BackupManager m = BackupManager.builder(new DirectorySource(src.getParent()),
                new LocalBackupStore(tmp.resolve("store"))).build();

        Manifest manifest = m.backup();
        RestoreResult r = m.restore(manifest.id(), tmp.resolve("restored").toString());

        assertThat(manifest.counts()).containsEntry("files", 2L).containsEntry("bytes", 100_005L);
        assertThat(r.ok()).isTrue();
        assertThat(Files.readString(tmp.resolve("restored/nested/a.txt"))).isEqualTo("alpha");
    }

    @Test
    void archiveEntriesEscapingTheTargetAreRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] evil = "pwned".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry("../../evil.txt");
            e.setSize(evil.length);
            tar.putArchiveEntry(e);
            tar.write(evil);
            tar.closeArchiveEntry();
        }
        RestoreTarget t = new DirectorySource(tmp).restoreTarget(tmp.resolve("out").toString());

        assertThatThrownBy(() -> t.restore(new ByteArrayInputStream(bytes.toByteArray())))
                .hasMessageContaining("would land outside");
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void restoreRefusesANonEmptyDirectory() throws Exception {
        Files.writeString(Files.createDirectories(tmp.resolve("full")).resolve("x"), "x");
        assertThatThrownBy(() -> new DirectorySource(tmp).restoreTarget(tmp.resolve("full").toString()))
                .hasMessageContaining("is not empty");
    }
}
