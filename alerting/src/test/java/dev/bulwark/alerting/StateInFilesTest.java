package dev.bulwark.alerting;

import dev.bulwark.alerting.internal.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;

/** The restart contract with the state in a file under the data directory (no database). */
class StateInFilesTest extends StateSurvivesRestartContract {

    @TempDir
    Path dataDir;

    @Override
    AlertEngine.Builder persisted(AlertEngine.Builder builder) {
        return builder.stateDirectory(dataDir);
    }

    private StateStore store;

    @Override
    StateStore store() {
        if (store == null) {
            store = StateStore.files(dataDir);
        }
        return store;
    }

    private Path file(String key) {
        return dataDir.resolve("alert-state-" + key.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }

    @Override
    void age(String key, Duration by) throws Exception {
        Path f = file(key);
        Files.setLastModifiedTime(f, FileTime.from(Files.getLastModifiedTime(f).toInstant().minus(by)));
    }

    @Override
    boolean savedWithinAnHour(String key) {
        try {
            Path f = file(key);
            return Files.exists(f) && Files.getLastModifiedTime(f).toInstant().isAfter(Instant.now().minus(Duration.ofHours(1)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
