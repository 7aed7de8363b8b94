package dev.bulwark.pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4) for tests: every
 * sample must follow the {@code # TYPE} line of its family, carry a name the type allows
 * (counter {@code _total}; summary the bare name with a {@code quantile} label,
 * {@code _sum}, {@code _count}; gauge the bare name), well-formed labels and a number.
 */
final class Exposition {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile(
            "([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "summary", "histogram", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private Exposition() {
    }

    static Map<String, Family> parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        Family current = null;
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                require(NAME.matcher(parts[0]).matches(), lineNo, "bad HELP name: " + line);
                help.put(parts[0], parts.length > 1 ? parts[1] : "");
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                require(parts.length == 2 && NAME.matcher(parts[0]).matches() && TYPES.contains(parts[1]), lineNo,
                        "bad TYPE line: " + line);
                require(!families.containsKey(parts[0]), lineNo, "family declared twice: " + parts[0]);
                current = new Family(parts[0], parts[1], help.get(parts[0]), new ArrayList<>());
                families.put(parts[0], current);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            require(m.matches(), lineNo, "not a sample line: " + line);
            require(current != null, lineNo, "sample before any TYPE: " + line);
            String name = m.group(1);
            Map<String, String> labels = labels(m.group(3), lineNo);
            require(allowed(current, name, labels), lineNo,
                    "sample " + name + " does not belong to " + current.type() + " family " + current.name());
            double value = value(m.group(4), lineNo);
            current.samples().add(new Sample(name, labels, value));
        }
        return families;
    }

    private static boolean allowed(Family f, String name, Map<String, String> labels) {
        String base = f.name();
        switch (f.type()) {
            case "counter":
                // Text format 0.0.4 declares a counter under its sample name (foo_total), OpenMetrics under foo.
                return base.endsWith("_total") ? name.equals(base)
                        || name.equals(base.substring(0, base.length() - 6) + "_created")
                        : name.equals(base + "_total") || name.equals(base + "_created");
            case "summary":
                return name.equals(base) && labels.containsKey("quantile") || name.equals(base + "_sum")
                        || name.equals(base + "_count") || name.equals(base + "_created");
            case "histogram":
                return name.equals(base + "_bucket") && labels.containsKey("le") || name.equals(base + "_sum")
                        || name.equals(base + "_count") || name.equals(base + "_created");
            default:
                return name.equals(base);
        }
    }

    private static Map<String, String> labels(String body, int lineNo) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        Matcher m = LABEL.matcher(body);
        int at = 0;
        while (at < body.length()) {
            require(m.find(at) && m.start() == at, lineNo, "bad labels: {" + body + "}");
            require(out.put(m.group(1), m.group(2)) == null, lineNo, "label repeated: " + m.group(1));
            at = m.end();
        }
        return out;
    }

    private static double value(String text, int lineNo) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + lineNo + ": not a number: " + text, e);
                }
        }
    }

    private static void require(boolean ok, int lineNo, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("line " + lineNo + ": " + problem);
        }
    }
}
