package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The kill -9 tests' shared steps: a backup runs in a child JVM and is killed with SIGKILL once it
 * prints a marker line; afterwards nothing may look complete and the next run cleans up.
 */
final class KilledRun {
    private KilledRun() {
    }

    /** A check made while the child is still running, just before it is killed. */
    interface WhileRunning {
        void check() throws Exception;
    }

    /** Returns the names in a directory, sorted (none when it does not exist). */
    static List<String> files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /**
     * Starts {@code main} in a child JVM on the test class path, waits for its {@code marker} line,
     * checks that an upload is in progress in {@code store} (and {@code whileRunning}), then kills
     * it with SIGKILL: no shutdown hook, no finally block runs.
     */
    static void killAt(String marker, Path store, WhileRunning whileRunning, Class<?> main, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals(marker));
            assertThat(line).as("child reached the middle of the backup").isEqualTo(marker);
            assertThat(files(store)).anyMatch(n -> n.startsWith(".partial-"));
            whileRunning.check();

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);
    }

    /**
     * Checks what the killed run left ({@code RUNNING} manifest, no data object, not verifiable,
     * not restorable), takes the next backup and checks the clean-up (the killed run FAILED as
     * abandoned, no partial upload left).
     *
     * @return the next backup's manifest
     */
    static Manifest assertNothingCompleteAndTheNextRunCleansUp(BackupManager next, Path store) throws Exception {
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
        return fresh;
    }
}
