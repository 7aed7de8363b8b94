package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupThreadsTest {
    @TempDir
    Path tmp;

    @Test
    void everyThreadOfABackupVerifyAndRestoreComesFromTheCallersThreadFactory() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        byte[] chunk = new byte[1024 * 1024];
        Random random = new Random(17);
        try (OutputStream out = Files.newOutputStream(data.resolve("blob.bin"))) {
            for (int i = 0; i < 40; i++) { // > 2 x 16 MiB stored: the local store's write-back thread runs
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        ThreadWatch watch = new ThreadWatch();
        BackupManager m = BackupManager.builder(BackupSource.directory(data), BackupStore.local(tmp.resolve("store")))
                .settings(BackupSettings.builder().zstdWorkers(2).build()).threadFactory(watch).build();

        java.util.Set<String> foreign = watch.foreignThreadsDuring(() -> {
            Manifest manifest = m.backup();
            assertThat(m.verify(manifest.id()).ok()).isTrue();
            assertThat(m.restore(manifest.id(), tmp.resolve("restored").toString()).ok()).isTrue();
        });

        assertThat(foreign).as("threads that did not come from the caller's factory").isEmpty();
        assertThat(watch.made()).as("the write-back thread came from the caller's factory").isPositive();
    }
}
