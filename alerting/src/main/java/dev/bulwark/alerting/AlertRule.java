package dev.bulwark.alerting;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule: a {@link Signal} compared with a threshold, with a grace period ({@code for}) and a
 * hysteresis ({@code keepFiringFor}) so a flapping value does not page repeatedly.
 *
 * <pre>{@code
 * AlertRule rule = AlertRule.builder("HighErrorRate")
 *     .signal(Signals.ratio("http.responses.5xx", "http.requests", Duration.ofMinutes(5), 100))
 *     .above(0.05).forDuration(Duration.ofMinutes(5)).severity(Severity.CRITICAL)
 *     .summary("5xx ratio {{value}} above {{threshold}}").build();
 * }</pre>
 *
 * <p>Templates may use {@code {{value}}}, {@code {{threshold}}}, {@code {{name}}} and
 * {@code {{labels.<key>}}}; anything else is refused when the rule is built.
 */
public final class AlertRule {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** How the signal is compared with the threshold. */
    public enum Comparison {
        /** value &gt; threshold */
        ABOVE,
        /** value &lt; threshold */
        BELOW
    }

    private final String name;
    private final Signal signal;
    private final Comparison comparison;
    private final double threshold;
    private final Duration forDuration;
    private final Duration keepFiringFor;
    private final Severity severity;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final boolean clusterScoped;

    private AlertRule(Builder b) {
        this.clusterScoped = b.clusterScoped;
        this.name = b.name;
        this.signal = b.signal;
        this.comparison = b.comparison;
        this.threshold = b.threshold;
        this.forDuration = b.forDuration;
        this.keepFiringFor = b.keepFiringFor;
        this.severity = b.severity;
        Map<String, String> l = new LinkedHashMap<>(b.labels);
        l.put("alertname", name);
        l.put("severity", severity.label());
        this.labels = Map.copyOf(l);
        this.annotations = Map.copyOf(b.annotations);
    }

    /**
     * A builder.
     *
     * @param name the alert name, letters, digits and '_' (Prometheus' {@code alertname})
     * @return the builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The alert name. */
    public String name() {
        return name;
    }

    /** The signal. */
    public Signal signal() {
        return signal;
    }

    /** The comparison. */
    public Comparison comparison() {
        return comparison;
    }

    /** The threshold. */
    public double threshold() {
        return threshold;
    }

    /** How long the condition must hold before the alert fires (grace period). */
    public Duration forDuration() {
        return forDuration;
    }

    /** How long a firing alert keeps firing after its condition clears (hysteresis). */
    public Duration keepFiringFor() {
        return keepFiringFor;
    }

    /** The severity. */
    public Severity severity() {
        return severity;
    }

    /** Labels, with {@code alertname} and {@code severity}. */
    public Map<String, String> labels() {
        return labels;
    }

    /** Annotation templates. */
    public Map<String, String> annotations() {
        return annotations;
    }

    /**
     * Whether the rule watches something every replica shares (the shared database, the backup
     * age...) rather than this process: then one elected replica evaluates it, without an
     * {@code instance} label. Per-instance rules (the default) carry this replica's
     * {@code instance} label.
     *
     * @return true when cluster-scoped
     */
    public boolean clusterScoped() {
        return clusterScoped;
    }

    /**
     * Whether a value meets the condition; NaN never does.
     *
     * @param value the signal's value
     * @return true when the alert condition holds
     */
    public boolean holds(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        return comparison == Comparison.ABOVE ? value > threshold : value < threshold;
    }

    /**
     * Renders the annotations for a value.
     *
     * @param value the signal's value
     * @return rendered annotations
     */
    public Map<String, String> render(double value) {
        return render(value, labels);
    }

    Map<String, String> render(double value, Map<String, String> withLabels) {
        Map<String, String> out = new LinkedHashMap<>();
        annotations.forEach((k, template) -> out.put(k, render(template, value, withLabels)));
        return out;
    }

    private String render(String template, double value, Map<String, String> labels) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String replacement;
            if (key.equals("value")) {
                replacement = format(value);
            } else if (key.equals("threshold")) {
                replacement = format(threshold);
            } else if (key.equals("name")) {
                replacement = name;
            } else {
                replacement = labels.getOrDefault(key.substring("labels.".length()), "");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return name + ": " + signal.describe() + (comparison == Comparison.ABOVE ? " > " : " < ") + format(threshold)
                + " for " + forDuration.toSeconds() + "s";
    }

    /** Builds an {@link AlertRule}; {@link #build()} validates everything. */
    public static final class Builder {
        private final String name;
        private Signal signal;
        private Comparison comparison;
        private double threshold = Double.NaN;
        private Duration forDuration = Duration.ZERO;
        private Duration keepFiringFor = Duration.ZERO;
        private Severity severity = Severity.WARNING;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private boolean clusterScoped;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Marks the rule cluster-scoped: it watches something all replicas share, so only the
         * elected leader evaluates it (see {@link AlertRule#clusterScoped()}).
         *
         * @return this
         */
        public Builder clusterScoped() {
            this.clusterScoped = true;
            return this;
        }

        /**
         * Sets the signal the rule reads.
         *
         * @param signal what to read
         * @return this
         */
        public Builder signal(Signal signal) {
            this.signal = signal;
            return this;
        }

        /**
         * Fires when the value is above a threshold.
         *
         * @param threshold fires when the value is above it
         * @return this
         */
        public Builder above(double threshold) {
            this.comparison = Comparison.ABOVE;
            this.threshold = threshold;
            return this;
        }

        /**
         * Fires when the value is below a threshold.
         *
         * @param threshold fires when the value is below it
         * @return this
         */
        public Builder below(double threshold) {
            this.comparison = Comparison.BELOW;
            this.threshold = threshold;
            return this;
        }

        /**
         * Sets the grace period before firing (the {@code for} duration).
         *
         * @param duration grace period before firing, ≥ 0
         * @return this
         */
        public Builder forDuration(Duration duration) {
            this.forDuration = duration;
            return this;
        }

        /**
         * Keeps the alert firing this long after its condition clears (hysteresis).
         *
         * @param duration keep firing this long after the condition clears, ≥ 0
         * @return this
         */
        public Builder keepFiringFor(Duration duration) {
            this.keepFiringFor = duration;
            return this;
        }

        /**
         * Sets the severity (default warning).
         *
         * @param severity severity (default warning)
         * @return this
         */
        public Builder severity(Severity severity) {
            this.severity = severity;
            return this;
        }

        /**
         * Adds a label.
         *
         * @param key label name
         * @param value label value
         * @return this
         */
        public Builder label(String key, String value) {
            this.labels.put(key, value);
            return this;
        }

        /**
         * Sets the summary annotation template.
         *
         * @param template summary template
         * @return this
         */
        public Builder summary(String template) {
            return annotation("summary", template);
        }

        /**
         * Sets the description annotation template.
         *
         * @param template description template
         * @return this
         */
        public Builder description(String template) {
            return annotation("description", template);
        }

        /**
         * Adds an annotation template.
         *
         * @param key annotation name
         * @param template its template
         * @return this
         */
        public Builder annotation(String key, String template) {
            this.annotations.put(key, template);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the rule
         * @throws IllegalArgumentException naming the rule and the problem
         */
        public AlertRule build() {
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("alert rule name must be letters, digits and '_' (Prometheus alertname), got '"
                        + name + "'");
            }
            String where = "alert rule '" + name + "': ";
            if (signal == null) {
                throw new IllegalArgumentException(where + "no signal; call signal(Signals.gauge(...)) or another signal");
            }
            if (comparison == null || Double.isNaN(threshold)) {
                throw new IllegalArgumentException(where + "no valid threshold; call above(x) or below(x) with a number");
            }
            if (forDuration == null || forDuration.isNegative() || keepFiringFor == null || keepFiringFor.isNegative()) {
                throw new IllegalArgumentException(where + "forDuration and keepFiringFor must be ≥ 0");
            }
            Objects.requireNonNull(severity, "severity");
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (!LABEL_NAME.matcher(l.getKey()).matches() || l.getValue() == null) {
                    throw new IllegalArgumentException(where + "label '" + l.getKey() + "' needs a name of letters, digits "
                            + "and '_' and a value");
                }
                if (Set.of("alertname", "severity", "instance").contains(l.getKey())) {
                    throw new IllegalArgumentException(where + "label '" + l.getKey() + "' is set by the rule itself"
                            + (l.getKey().equals("instance") ? " (the engine's instance, ALERT_INSTANCE)" : ""));
                }
            }
            for (Map.Entry<String, String> a : annotations.entrySet()) {
                Matcher m = PLACEHOLDER.matcher(Objects.requireNonNullElse(a.getValue(), ""));
                while (m.find()) {
                    String key = m.group(1);
                    boolean known = key.equals("value") || key.equals("threshold") || key.equals("name")
                            || (key.startsWith("labels.") && (labels.containsKey(key.substring(7))
                                    || key.equals("labels.alertname") || key.equals("labels.severity")
                                    || key.equals("labels.instance")));
                    if (!known) {
                        throw new IllegalArgumentException(where + "annotation '" + a.getKey() + "' uses unknown "
                                + "placeholder {{" + key + "}}; use {{value}}, {{threshold}}, {{name}} or {{labels.<key>}}");
                    }
                }
                if (a.getValue().contains("{{") && PLACEHOLDER.matcher(a.getValue()).replaceAll("").contains("{{")) {
                    throw new IllegalArgumentException(where + "annotation '" + a.getKey() + "' has an unclosed '{{'");
                }
            }
            return new AlertRule(this);
        }
    }
}
