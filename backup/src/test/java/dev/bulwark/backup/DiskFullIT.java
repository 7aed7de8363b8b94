package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.internal.DirectorySource;
import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.testsupport.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup directory is a real 1 MiB tmpfs: a 3 MiB backup fills it. */
class DiskFullIT {
    @TempDir
    Path tmp;

    private Path small;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        small = Files.createDirectories(tmp.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!mounted) {
            String reason = "cannot mount a 1 MiB tmpfs (needs root / CAP_SYS_ADMIN): " + out.strip();
            if (TestServices.fromEnvironment().servicesRequired()) {
                throw new IllegalStateException(reason + "; BULWARK_REQUIRE_SERVICES=true");
            }
            Assumptions.abort(reason);
        }
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", small.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void fullDiskFailsClearlyRemovesThePartialObjectAndRecordsTheFailure() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        byte[] noise = new byte[3 << 20];
        new Random(1).nextBytes(noise);
        Files.write(src.resolve("big.bin"), noise);
        BackupManager m = BackupManager.builder(new DirectorySource(src), new LocalBackupStore(small))
                .settings(BackupSettings.builder().compression(Compression.NONE).build()).build();

        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("No space left on device");

        List<String> left;
        try (Stream<Path> s = Files.list(small)) {
            left = s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
        assertThat(left).noneMatch(n -> n.startsWith(".partial-")).noneMatch(n -> n.contains(".dump"));
        assertThat(m.list()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Manifest.Status.FAILED);
            assertThat(f.error()).contains("No space left on device");
        });
        assertThat(m.newestGood()).isEmpty();
    }
}
