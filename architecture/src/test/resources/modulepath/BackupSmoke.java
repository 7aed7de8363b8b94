import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.BackupStore;
import dev.bulwark.backup.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** backup on the module path: a directory backup (zstd's native code, the manifest through Jackson), verify, list. */
public class BackupSmoke {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("boot-backup");
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "hello module path\n".repeat(100));
        BackupManager backups = BackupManager.builder(BackupSource.directory(data), BackupStore.local(dir.resolve("store")))
                .settings(BackupSettings.fromEnvironment(Map.of()))
                .build();
        Manifest m = backups.backup();
        if (!backups.verify(m.id()).ok() || backups.list().size() != 1) {
            throw new AssertionError("backup " + m);
        }
        System.out.println("OK dev.bulwark.backup " + BackupManager.class.getModule());
    }
}
