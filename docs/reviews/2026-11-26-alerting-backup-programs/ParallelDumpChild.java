import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.internal.PgDumpSource;
import java.io.*;
import java.nio.file.*;

/** A parallel (BACKUP_PG_JOBS=2) dump of database args[0] into a file; staging in args[1]. */
public class ParallelDumpChild {
    public static void main(String[] a) throws Exception {
        BackupSettings s = BackupSettings.builder().pgJobs(Integer.parseInt(a[2])).stagingDir(Path.of(a[1])).build();
        PgDumpSource src = new PgDumpSource("jdbc:postgresql://127.0.0.1:5432/" + a[0], "bulwark", "bulwark", s);
        System.out.println("DUMPING pid " + ProcessHandle.current().pid());
        try (OutputStream out = new FileOutputStream("/tmp/rev/out.dump")) {
            System.out.println("counts " + src.dump(out));
        }
    }
}
