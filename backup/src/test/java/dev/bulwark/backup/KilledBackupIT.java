package dev.bulwark.backup;

import dev.bulwark.backup.internal.DirectorySource;
import dev.bulwark.backup.internal.LocalBackupStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM running a backup is killed with SIGKILL mid-stream: nothing may look complete afterwards. */
class KilledBackupIT {
    @TempDir
    Path tmp;

    @Test
    void backupKilledMidStreamLeavesNothingCompleteAndTheNextRunCleansUp() throws Exception {
        Path store = tmp.resolve("store");
        KilledRun.killAt("DUMPING", store, () -> { }, SlowBackupMain.class, store.toString());

        BackupManager next = BackupManager.builder(new DirectorySource(Files.createDirectories(tmp.resolve("src"))),
                new LocalBackupStore(store)).build();
        KilledRun.assertNothingCompleteAndTheNextRunCleansUp(next, store);
    }
}
