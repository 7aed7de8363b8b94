package dev.bulwark.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A user who learned one module's README finds the same sections, in the same order, in the next. */
class ReadmeSectionsTest {
    static final List<String> SECTIONS = List.of("Example", "How it works", "Configuration", "Errors",
            "Metrics and health", "Threat model", "Tests", "Figures");

    @ParameterizedTest
    @ValueSource(strings = {"jwt-cookies", "sandbox-seccomp", "db-pool", "backup", "alerting", "micrometer"})
    void everyModuleReadmeHasTheSameSectionsInTheSameOrder(String module) throws IOException {
        String text = Files.readString(Path.of("..", module, "README.md"));
        Matcher m = Pattern.compile("(?m)^## (.+)$").matcher(text);
        List<String> headings = new java.util.ArrayList<>();
        while (m.find()) {
            headings.add(m.group(1).trim());
        }
        assertThat(headings).as(module + "/README.md sections").containsExactlyElementsOf(SECTIONS);
        assertThat(text.substring(text.indexOf("## Example"))).as("the example is Java code").contains("```java");
    }
}
