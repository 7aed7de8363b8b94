package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's pg_wrapper skipped exactly as it would choose: a fake wrapper and versions' directories. */
class PgClientToolsTest {
    @TempDir
    Path tmp;

    private Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** A wrapper, {@code bin/} with links to it for the given programs, and {@code lib/<v>/bin/<program>} per entry. */
    private Path layout(List<String> programs, String... versionPrograms) throws IOException {
        Path wrapper = executable(tmp.resolve("share/pg_wrapper"));
        Files.createDirectories(tmp.resolve("bin"));
        for (String p : programs) {
            Files.createSymbolicLink(tmp.resolve("bin").resolve(p), wrapper);
        }
        Files.createDirectories(tmp.resolve("lib"));
        for (String vp : versionPrograms) {
            executable(tmp.resolve("lib").resolve(vp));
        }
        return wrapper;
    }

    private Optional<String> resolve(String configured, Path wrapper) {
        return PgClientTools.resolve(configured, tmp.resolve("bin").toString(), wrapper, tmp.resolve("lib"));
    }

    @Test
    void theNewestVersionHavingTheProgramIsRunInsteadOfTheWrapper() throws IOException {
        // 9.6 < 13 < 15 as numbers (not as text); 16 has no pg_dump, so pg_wrapper would not pick it
        Path wrapper = layout(List.of("pg_dump", "psql"), "9.6/bin/pg_dump", "15/bin/pg_dump", "13/bin/pg_dump",
                "16/bin/psql", "15/bin/psql");
        assertThat(resolve("pg_dump", wrapper)).contains(tmp.resolve("lib/15/bin/pg_dump").toString());
        assertThat(resolve("psql", wrapper)).contains(tmp.resolve("lib/16/bin/psql").toString());
    }

    @Test
    void versionDirectoriesTheWrapperIgnoresAreIgnored() throws IOException {
        // PgCommon.pm's /^(\d+\.?\d+)$/: "9" (one digit) and "17beta" do not count
        Path wrapper = layout(List.of("pg_dump"), "9/bin/pg_dump", "17beta/bin/pg_dump", "14/bin/pg_dump");
        assertThat(resolve("pg_dump", wrapper)).contains(tmp.resolve("lib/14/bin/pg_dump").toString());
    }

    @Test
    void aProgramThatIsNotTheWrapperIsLeftAlone() throws IOException {
        Path wrapper = layout(List.of(), "15/bin/pg_dump");
        executable(tmp.resolve("bin/pg_dump")); // an ordinary pg_dump on the PATH
        assertThat(resolve("pg_dump", wrapper)).isEmpty();
    }

    @Test
    void aConfiguredPathIsUsedAsItIs() throws IOException {
        Path wrapper = layout(List.of("pg_dump"), "15/bin/pg_dump");
        String path = tmp.resolve("bin/pg_dump").toString();
        assertThat(resolve(path, wrapper)).isEmpty();
        assertThat(PgClientTools.resolve(path, tmp.resolve("bin").toString())).isEqualTo(path);
    }

    @Test
    void anOldPsqlIsLeftToTheWrapperWhichMayPreloadReadline() throws IOException {
        Path wrapper = layout(List.of("psql"), "12/bin/psql");
        assertThat(resolve("psql", wrapper)).isEmpty();
    }

    @Test
    void noInstalledVersionLeavesTheWrapper() throws IOException {
        Path wrapper = layout(List.of("pg_restore"), "15/bin/pg_dump");
        assertThat(resolve("pg_restore", wrapper)).isEmpty();
        assertThat(resolve("pg_missing", wrapper)).isEmpty();
    }

    @Test
    void thisHostsPgDumpIsTheBinaryPgWrapperRuns() throws IOException, InterruptedException {
        // the real thing where Debian's postgresql-common is installed: the wrapper's own choice agrees
        assumeTrue(Files.isExecutable(PgClientTools.WRAPPER), "Debian's pg_wrapper is not installed here");
        String resolved = PgClientTools.resolve("pg_dump", System.getenv("PATH"));
        assumeTrue(!resolved.equals("pg_dump"), "pg_dump on the PATH is not the wrapper");
        // with a host given, as the backup always gives one (PGHOST): the wrapper's rule this class repeats
        ProcessBuilder pb = new ProcessBuilder("pg_dump", "--version").redirectErrorStream(true);
        pb.environment().put("PGHOST", "127.0.0.1");
        Process p = pb.start();
        String viaWrapper = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        Process q = new ProcessBuilder(resolved, "--version").redirectErrorStream(true).start();
        String direct = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        q.waitFor();
        assertThat(resolved).startsWith("/usr/lib/postgresql/").endsWith("/bin/pg_dump");
        assertThat(direct).isEqualTo(viaWrapper);
    }
}
