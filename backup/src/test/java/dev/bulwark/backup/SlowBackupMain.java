package dev.bulwark.backup;

import dev.bulwark.backup.internal.LocalBackupStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Child process for {@link KilledBackupIT}: starts a backup whose source writes 4 MiB, says
 * {@code DUMPING}, then hangs until the parent kills it with SIGKILL.
 */
public final class SlowBackupMain {
    private SlowBackupMain() {
    }

    public static void main(String[] args) {
        BackupSource hanging = new BackupSource() {
            @Override
            public String kind() {
                return "files";
            }

            @Override
            public String name() {
                return "hanging";
            }

            @Override
            public Map<String, Long> dump(OutputStream out) throws IOException {
                byte[] noise = new byte[1 << 20];
                new Random(7).nextBytes(noise);
                for (int i = 0; i < 4; i++) {
                    out.write(noise);
                }
                out.flush();
                System.out.println("DUMPING");
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of();
            }

            @Override
            public RestoreTarget restoreTarget(String target) {
                throw new UnsupportedOperationException();
            }
        };
        BackupManager.builder(hanging, new LocalBackupStore(Path.of(args[0])))
                .settings(BackupSettings.builder().compression(Compression.NONE).build()).build().backup();
    }
}
