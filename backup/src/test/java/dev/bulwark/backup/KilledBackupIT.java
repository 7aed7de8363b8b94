package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.internal.DirectorySource;
import dev.bulwark.backup.internal.LocalBackupStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM running a backup is killed with SIGKILL mid-stream: nothing may look complete afterwards. */
class KilledBackupIT {
    @TempDir
    Path tmp;

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void backupKilledMidStreamLeavesNothingCompleteAndTheNextRunCleansUp() throws Exception {
        Path store = tmp.resolve("store");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SlowBackupMain.class.getName(), store.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("DUMPING"));
            assertThat(line).as("child reached the middle of the dump").isEqualTo("DUMPING");
            assertThat(files(store)).anyMatch(n -> n.startsWith(".partial-"));

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        BackupManager next = BackupManager.builder(new DirectorySource(Files.createDirectories(tmp.resolve("src"))),
                new LocalBackupStore(store)).build();
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
    }
}
