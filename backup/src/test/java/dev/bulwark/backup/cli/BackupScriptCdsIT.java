package dev.bulwark.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/backup.sh}'s class-data archive (AppCDS): made by the first backup, owner-only,
 * mapped by later runs, and ignored when anyone else could have written it (it is code the JVM
 * loads).
 */
class BackupScriptCdsIT {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path tmp;

    Path cds;

    @BeforeEach
    void source() throws IOException {
        Files.createDirectories(tmp.resolve("src"));
        Files.writeString(tmp.resolve("src/a.txt"), "some data\n", StandardCharsets.UTF_8);
        cds = tmp.resolve("cds");
    }

    /** Runs the script; returns the lines of the JVM's class-loading log. */
    private List<String> run(String... args) throws Exception {
        Path log = tmp.resolve("classes.log");
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(ROOT.resolve("scripts/backup.sh").toString()),
                Stream.of(args)).collect(Collectors.toList())).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("BACKUP_SOURCE_DIR", tmp.resolve("src").toString());
        env.put("BACKUP_DIR", tmp.resolve("store").toString());
        env.put("BACKUP_CDS_DIR", cds.toString());
        env.put("BACKUP_LOG_LEVEL", "warn");
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + log);
        env.remove("DB_URL");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static void chmod(String mode, Path path) throws Exception {
        Process p = new ProcessBuilder("chmod", mode, path.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("chmod " + mode).isTrue();
    }

    private static long fromArchive(List<String> classLog) {
        return classLog.stream().filter(l -> l.contains("shared objects file (top)")).count();
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> s = Files.list(cds)) {
            return s.filter(f -> f.getFileName().toString().matches("cli-[0-9a-f]{16}\\.jsa")).collect(Collectors.toList());
        }
    }

    @Test
    void theFirstBackupMakesAnOwnerOnlyArchiveThatLaterRunsMap() throws Exception {
        run("backup");

        assertThat(archives()).hasSize(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archives().get(0))))
                .isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cds))).isEqualTo("rwx------");
        // "list" maps a few hundred application classes (478 since manifests are read with Jackson's
        // streaming API: no data binding); a refused archive maps none
        assertThat(fromArchive(run("list"))).as("classes mapped from the archive").isGreaterThan(300);
    }

    @Test
    void anArchiveOthersCouldHaveWrittenIsNotUsed() throws Exception {
        run("backup");
        Path archive = archives().get(0);
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThat(fromArchive(run("list"))).isZero();

        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(cds, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(fromArchive(run("list"))).as("in a directory others can write").isZero();
    }

    @Test
    void underADirectoryOthersCanWriteNoArchiveIsMadeOrUsed() throws Exception {
        // Whoever can write a directory above the cache can swap it between the check and the
        // JVM's open (review 2026-11-26b, B4): then the archive is neither used nor made.
        run("backup");
        assertThat(archives()).hasSize(1);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            assertThat(fromArchive(run("list"))).as("an archive under a directory others can write").isZero();

            Files.delete(archives().get(0));
            run("backup");
            assertThat(archives()).as("no archive made there").isEmpty();

            chmod("1777", tmp); // NIO cannot set the sticky bit
            run("backup");
            assertThat(archives()).as("a sticky directory (like /tmp) cannot be renamed in by others").hasSize(1);
        } finally {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aRebuiltJarGetsANewArchiveAndTheOldOneIsRemoved() throws Exception {
        run("backup");
        Path first = archives().get(0);
        Path jar;
        try (Stream<Path> s = Files.list(ROOT.resolve("backup/target"))) {
            jar = s.filter(f -> f.getFileName().toString().matches("bulwark-backup-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));

        run("backup");

        assertThat(archives()).hasSize(1).doesNotContain(first);
        assertThat(fromArchive(run("list"))).isGreaterThan(300);
    }
}
