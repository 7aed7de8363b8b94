package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.BackupStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background write-back of a local backup: a write error it sees must fail the commit (on
 * Linux the error is reported to one fsync only, so the commit's own fsync could then succeed).
 */
class WriteBackFailureTest {

    @TempDir
    Path dir;

    private final AtomicInteger writeBacks = new AtomicInteger();

    /** A real store on a real file whose first write-back reports an I/O error, as a failing disk does once. */
    private LocalBackupStore store(boolean failOnce) {
        return new LocalBackupStore(dir, channel -> {
            if (writeBacks.incrementAndGet() == 1 && failOnce) {
                throw new IOException("Input/output error");
            }
            channel.force(false);
        });
    }

    /** Streams 40 MiB (a write-back is due twice) and waits for the first write-back. */
    private BackupStore.Upload streamed(LocalBackupStore store) throws IOException {
        BackupStore.Upload upload = store.create("b.dump");
        OutputStream out = upload.stream();
        byte[] chunk = new byte[1024 * 1024];
        for (int i = 0; i < 40; i++) {
            out.write(chunk);
        }
        out.flush();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (writeBacks.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return upload;
    }

    @Test
    void aWriteBackFailureFailsTheCommitAndLeavesNoObject() throws Exception {
        LocalBackupStore store = store(true);
        try (BackupStore.Upload upload = streamed(store)) {
            assertThatThrownBy(upload::commit).isInstanceOf(IOException.class).hasMessageContaining("write error")
                    .hasRootCauseMessage("Input/output error");
        }
        assertThat(store.list()).doesNotContain("b.dump");
    }

    @Test
    void aHealthyWriteBackLetsTheCommitGoOn() throws Exception {
        LocalBackupStore store = store(false);
        try (BackupStore.Upload upload = streamed(store)) {
            upload.commit();
        }
        assertThat(writeBacks.get()).isPositive();
        assertThat(store.list()).contains("b.dump");
    }
}
