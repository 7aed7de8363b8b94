package dev.bulwark.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every javadoc comment in the library starts with a summary sentence, as in HikariCP, resilience4j
 * and Caffeine (STYLE.md): doclint only checks that a comment exists, so a comment made of
 * {@code @param}/{@code @return} tags alone, whose index entry is then empty, would pass it.
 */
class JavadocSummaryTest {

    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"core", "jwt-cookies", "sandbox-seccomp", "db-pool", "backup", "alerting", "micrometer"})
    void everyJavadocCommentStartsWithASummarySentence(String module) throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("..", module, "src", "main", "java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> offenders.addAll(offenders(f)));
        }
        assertThat(offenders).as("javadoc comments in %s without a summary sentence first", module).isEmpty();
    }

    @Test
    void theRuleCatchesACommentMadeOfTagsAlone() {
        assertThat(summary("\n     * @param x the x\n     * @return y\n     ")).isEmpty();
        assertThat(summary("\n     * \n     * @return y\n     ")).isEmpty();
        assertThat(summary(" The pool. ")).contains("The pool.");
        assertThat(summary("\n * {@inheritDoc}\n ")).contains("{@inheritDoc}");
    }

    private static List<String> offenders(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        Matcher m = JAVADOC.matcher(text);
        while (m.find()) {
            if (summary(m.group(1)).isEmpty()) {
                long line = text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                out.add(file.normalize() + ":" + line);
            }
        }
        return out;
    }

    /** The comment's text before its first block tag, or "" when it has none. */
    static String summary(String body) {
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n")) {
            String t = line.strip();
            if (t.startsWith("*")) {
                t = t.substring(1).strip();
            }
            if (t.startsWith("@")) {
                break;
            }
            text.append(t).append(' ');
        }
        return text.toString().strip();
    }
}
