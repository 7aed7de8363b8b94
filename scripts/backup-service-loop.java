// A service's BackupManager, kept running between backups, for scripts/backup-benchmark.sh
// (issue #17): what a backup costs once the JVM is warm, against the same pipe and the command
// line's cold JVM in the same round. Run from source by the benchmark (java -cp CP THIS_FILE);
// configured like the README's example, from DB_URL, DB_USER, DB_PASSWORD and BACKUP_*.
// Each line on stdin takes one backup; each answer on stdout is "ok ID STORED_BYTES" or
// "failed MESSAGE". Public API only: it is the README's example without a scheduler.

import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.Manifest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public final class BackupServiceLoop {
    public static void main(String[] args) throws Exception {
        BackupSettings settings = BackupSettings.fromEnvironment();
        BackupManager backups = BackupManager.builder(BackupSource.postgres(
                        System.getenv("DB_URL"), System.getenv("DB_USER"), System.getenv("DB_PASSWORD"), settings),
                settings.openStore()).settings(settings).build();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            try {
                Manifest m = backups.backup();
                System.out.println("ok " + m.id() + " " + m.storedBytes());
            } catch (RuntimeException e) {
                System.out.println("failed " + String.valueOf(e).replace('\n', ' '));
            }
            System.out.flush();
        }
    }
}
