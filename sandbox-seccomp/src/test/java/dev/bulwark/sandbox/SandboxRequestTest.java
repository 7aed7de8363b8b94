package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SandboxRequestTest {

    private static SandboxRequest request(Map<String, byte[]> files) {
        return new SandboxRequest(List.of("python3", "main.py"), files, null, null);
    }

    @Test
    void refusesTwoHundredThousandEmptyFilesBeforeAnyTarIsBuilt() {
        Map<String, byte[]> files = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            files.put("f" + i, new byte[0]);
        }

        assertThatThrownBy(() -> request(files)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("200000 input files").hasMessageContaining("tar headers");
    }

    @Test
    void countsTarHeadersAndPaddingAgainstTheInputLimit() {
        // 20,000 one-byte files: 20 KB of content, but 20 MB as a tar (header + a padded block each)
        Map<String, byte[]> files = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            files.put("f" + i, new byte[1]);
        }

        assertThatThrownBy(() -> request(files)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tar: 512 bytes of header per file").hasMessageContaining("at most 16777216");
    }

    @Test
    void theCountedSizeIsNeverBelowTheTarThatTravels() {
        Random random = new Random(42);
        String longName = "d/" + "x".repeat(150);
        String wideName = "é".repeat(60); // 120 bytes in UTF-8: a POSIX header although 60 chars
        for (int round = 0; round < 50; round++) {
            Map<String, byte[]> files = new HashMap<>();
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                String name = switch (i % 3) {
                    case 0 -> "f" + i;
                    case 1 -> longName + i;
                    default -> wideName + i;
                };
                files.put(name, new byte[random.nextInt(3000)]);
            }
            long counted = 2 * 512 + 10 * 1024;
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                counted += SandboxRequest.tarEntryBytes(f.getKey(), f.getValue().length);
            }

            assertThat(counted).isGreaterThanOrEqualTo(DockerSandboxRuntime.tar(request(files).files(), "10001:10001").length);
        }
    }

    @Test
    void acceptsInputsThatFitWithTheirTarOverhead() {
        SandboxRequest r = request(Map.of("main.py", new byte[15 * 1024 * 1024]));

        assertThat(r.files()).containsKey("main.py");
    }
}
