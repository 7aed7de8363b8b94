package dev.bulwark.backup;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.TestServices;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child process for {@link KilledParallelBackupIT}: a real parallel ({@code pg_dump -Fd -j 2})
 * backup of the database named by {@code args[2]} that, once pg_dump has finished and the tar
 * archive has started streaming into the store, says {@code STREAMING} and hangs until the
 * parent kills it with SIGKILL. Args: store directory, staging directory, JDBC URL.
 */
public final class SlowParallelBackupMain {
    private SlowParallelBackupMain() {
    }

    public static void main(String[] args) {
        BackupSettings settings = BackupSettings.builder().pgJobs(2).stagingDir(Path.of(args[1])).build();
        PgDumpSource real = new PgDumpSource(args[2], TestServices.postgresUser(), TestServices.postgresPassword(),
                settings);
        BackupSource hanging = new BackupSource() {
            @Override
            public String kind() {
                return real.kind();
            }

            @Override
            public String name() {
                return real.name();
            }

            @Override
            public String dataExtension() {
                return real.dataExtension();
            }

            @Override
            public Map<String, String> toolVersions() {
                return real.toolVersions();
            }

            @Override
            public Map<String, Long> dump(OutputStream out) throws IOException {
                return real.dump(new FilterOutputStream(out) {
                    private long written;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        written += len;
                        if (written >= 64 * 1024) {
                            out.flush();
                            System.out.println("STREAMING");
                            System.out.flush();
                            try {
                                Thread.sleep(Long.MAX_VALUE);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                });
            }

            @Override
            public RestoreTarget restoreTarget(String target) {
                return real.restoreTarget(target);
            }
        };
        BackupManager.builder(hanging, new LocalBackupStore(Path.of(args[0])))
                .settings(BackupSettings.builder().pgJobs(2).stagingDir(Path.of(args[1]))
                        .compression(Compression.NONE).build()).build().backup();
    }
}
