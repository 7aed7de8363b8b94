package dev.bulwark.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Java example a user can read — the README's {@code ```java} blocks and the javadoc's
 * {@code <pre>{@code ...}</pre>} blocks — is the text of a {@code // region} in one of the module's
 * tests (white space aside), so it compiles with the build and the test that holds it runs it.
 * The module's own ExamplesTest/ExamplesIT assert the pairing; this rule makes sure no example is
 * left out of it.
 */
class DocumentedExamplesTest {

    private static final Pattern README_JAVA = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern JAVADOC_CODE = Pattern.compile("<pre>\\{@code\\n(.*?)\\}</pre>", Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile("// region [^\\n]*\\n(.*?)\\n\\s*// endregion", Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"core", "jwt-cookies", "sandbox-seccomp", "db-pool", "backup", "alerting", "micrometer"})
    void everyExampleIsTheRegionOfATest(String module) {
        Path root = Path.of("..", module);
        Set<String> regions = new HashSet<>();
        for (Path test : javaFiles(root.resolve("src/test/java"))) {
            Matcher m = REGION.matcher(read(test));
            while (m.find()) {
                regions.add(normalized(m.group(1)));
            }
        }
        List<String> untested = new ArrayList<>();
        Path readme = root.resolve("README.md");
        if (Files.exists(readme)) {
            Matcher m = README_JAVA.matcher(read(readme));
            for (int i = 0; m.find(); i++) {
                if (!regions.contains(normalized(m.group(1)))) {
                    untested.add(readme.normalize() + " java block " + (i + 1) + ": " + firstLine(m.group(1)));
                }
            }
        }
        for (Path source : javaFiles(root.resolve("src/main/java"))) {
            Matcher m = JAVADOC_CODE.matcher(read(source));
            while (m.find()) {
                String code = m.group(1).replaceAll("(?m)^\\s*\\* ?", "");
                if (!regions.contains(normalized(code))) {
                    untested.add(source.normalize() + ": " + firstLine(code));
                }
            }
        }
        assertThat(untested).as("examples in %s that no test compiles and runs", module).isEmpty();
    }

    @Test
    void theRuleSeesExamplesAndRegions() {
        assertThat(normalized("a(  1 );\n   b();")).isEqualTo("a( 1 ); b();");
        Matcher m = REGION.matcher("x\n        // region readme\n        a();\n        // endregion\n");
        assertThat(m.find()).isTrue();
        assertThat(normalized(m.group(1))).isEqualTo("a();");
        Matcher j = JAVADOC_CODE.matcher(" * <pre>{@code\n * a();\n * }</pre>");
        assertThat(j.find()).isTrue();
        assertThat(normalized(j.group(1).replaceAll("(?m)^\\s*\\* ?", ""))).isEqualTo("a();");
    }

    private static String normalized(String code) {
        return code.replaceAll("\\s+", " ").strip();
    }

    private static String firstLine(String code) {
        String s = code.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
