package dev.bulwark.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps documentation examples honest: extracts the Java examples of a README or of a javadoc
 * comment, and the region of a test that compiles and runs the same code, so that a test can
 * assert they are the same text (white space aside). A README example that drifts from the API
 * then fails the build instead of misleading a user.
 */
public final class Examples {
    private static final Pattern README_JAVA = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern JAVADOC_CODE = Pattern.compile("<pre>\\{@code\\n(.*?)\\}</pre>", Pattern.DOTALL);

    private Examples() {
    }

    /**
     * The Java code blocks of a Markdown file, in order.
     *
     * @param markdown the file
     * @return the blocks' text
     */
    public static List<String> readmeJava(Path markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = README_JAVA.matcher(read(markdown));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * The {@code <pre>{@code ...}</pre>} examples of a source file's javadoc, in order, with the
     * comment's leading {@code *} removed.
     *
     * @param source the Java source file
     * @return the examples' text
     */
    public static List<String> javadocCode(Path source) {
        List<String> out = new ArrayList<>();
        Matcher m = JAVADOC_CODE.matcher(read(source));
        while (m.find()) {
            out.add(m.group(1).replaceAll("(?m)^\\s*\\* ?", ""));
        }
        return out;
    }

    /**
     * The lines between {@code // region <name>} and {@code // endregion} of a source file.
     *
     * @param source the (test) source file
     * @param name the region's name
     * @return the region's text
     * @throws AssertionError when the region is missing
     */
    public static String region(Path source, String name) {
        String text = read(source);
        Matcher m = Pattern.compile("// region " + Pattern.quote(name) + "\\n(.*?)\\n\\s*// endregion", Pattern.DOTALL)
                .matcher(text);
        if (!m.find()) {
            throw new AssertionError("no '// region " + name + "' ... '// endregion' in " + source);
        }
        return m.group(1);
    }

    /**
     * The text with every run of white space made one space and the ends trimmed, so that
     * indentation and line breaks do not count in a comparison.
     *
     * @param code the code
     * @return the normalised code
     */
    public static String normalized(String code) {
        return code.replaceAll("\\s+", " ").trim();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
