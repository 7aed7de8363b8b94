package dev.bulwark.alerting;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The restart contract with the state in a file under the data directory (no database). */
class StateInFilesTest extends StateSurvivesRestartContract {

    @TempDir
    Path dataDir;

    @Override
    AlertEngine.Builder persisted(AlertEngine.Builder builder) {
        return builder.stateDirectory(dataDir);
    }
}
