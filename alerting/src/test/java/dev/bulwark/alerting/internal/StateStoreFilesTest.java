package dev.bulwark.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file state store's failure paths: nothing partial is left behind. */
class StateStoreFilesTest {

    @TempDir
    Path dir;

    private long tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".alert-state-")).count();
        }
    }

    @Test
    void aFailedSaveLeavesNoTempFile() throws IOException {
        StateStore store = StateStore.files(dir);
        store.save("instance:a", "{\"v\":1}");
        // The move into place fails (as a full disk or an I/O error would): the target is a non-empty directory.
        Path blocked = dir.resolve("alert-state-instance_b.json");
        Files.createDirectories(blocked);
        Files.writeString(blocked.resolve("x"), "x");

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> store.save("instance:b", "{\"v\":2}")).isInstanceOf(UncheckedIOException.class);
        }

        assertThat(tempFiles()).isZero();
        assertThat(store.load("instance:a")).contains("{\"v\":1}");
    }

    @Test
    void tempFilesOfAProcessKilledMidSaveAreRemovedAtStartButNotOneAnotherEngineIsWriting() throws IOException {
        Path left = Files.writeString(dir.resolve(".alert-state-123.tmp"), "{\"partial");
        Files.setLastModifiedTime(left, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofMinutes(2))));
        Path writing = Files.writeString(dir.resolve(".alert-state-456.tmp"), "{\"partial");
        StateStore.files(dir);
        assertThat(left).doesNotExist();
        assertThat(writing).as("a minute old at least before it counts as left over").exists();
    }
}
