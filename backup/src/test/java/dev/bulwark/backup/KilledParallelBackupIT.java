package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM running a parallel PostgreSQL backup is killed with SIGKILL while the staged directory
 * dump streams into the store: nothing may look complete, and the next run cleans up the temp
 * file, the RUNNING manifest and the staging directory.
 */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class KilledParallelBackupIT {
    @TempDir
    Path tmp;

    private PgFixture db;

    @BeforeEach
    void setUp() throws Exception {
        db = new PgFixture(50_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private static List<String> files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void parallelBackupKilledMidStreamLeavesNothingCompleteAndTheNextRunCleansUp() throws Exception {
        Path store = tmp.resolve("store");
        Path staging = tmp.resolve("staging");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SlowParallelBackupMain.class.getName(), store.toString(), staging.toString(), db.url())
                .redirectErrorStream(true);
        Process child = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("STREAMING"));
            assertThat(line).as("child reached the middle of the parallel backup").isEqualTo("STREAMING");
            assertThat(files(store)).anyMatch(n -> n.startsWith(".partial-"));
            assertThat(files(staging)).singleElement().asString().startsWith("bulwark-pgdump-");

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(files(staging)).as("the killed run's staging directory is left behind").hasSize(1);

        BackupSettings settings = BackupSettings.builder().pgJobs(2).stagingDir(staging).build();
        BackupManager next = BackupManager.builder(new PgDumpSource(db.url(), db.user, db.password, settings),
                new LocalBackupStore(store)).settings(settings).build();
        List<Manifest> before = next.list();
        assertThat(before).singleElement().satisfies(m -> assertThat(m.status()).isEqualTo(Manifest.Status.RUNNING));
        Manifest killed = before.get(0);
        assertThat(next.newestGood()).isEmpty();
        assertThat(files(store)).doesNotContain(killed.dataObject());
        assertThat(next.verify(killed.id()).outcome()).isEqualTo(VerifyResult.Outcome.INCOMPLETE);
        assertThatThrownBy(() -> next.restoreTest(killed.id())).hasMessageContaining("refusing to restore");

        Manifest fresh = next.backup();

        assertThat(fresh.complete()).isTrue();
        assertThat(next.manifest(killed.id()).status()).isEqualTo(Manifest.Status.FAILED);
        assertThat(next.manifest(killed.id()).error()).contains("abandoned");
        assertThat(files(store)).noneMatch(n -> n.startsWith(".partial-"));
        assertThat(files(staging)).as("the abandoned staging directory was removed").isEmpty();
        RestoreResult r = next.restoreTest(fresh.id());
        assertThat(r.ok()).as(r.mismatches().toString()).isTrue();
    }
}
