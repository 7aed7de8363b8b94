package dev.bulwark.alerting;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Notifiers and engine timing from {@code ALERT_*} environment variables (a JVM system property
 * of the same name wins). A notifier is configured when its URL / host is set.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code ALERT_WEBHOOK_URL}, {@code ALERT_WEBHOOK_SECRET}</td><td>—</td><td>generic webhook; secret (≥ 16 bytes) signs it</td></tr>
 *   <tr><td>{@code ALERT_SLACK_WEBHOOK_URL}</td><td>—</td><td>Slack incoming webhook</td></tr>
 *   <tr><td>{@code ALERT_ALERTMANAGER_URL}</td><td>—</td><td>Alertmanager base URL (API v2)</td></tr>
 *   <tr><td>{@code ALERT_SMTP_HOST}, {@code ALERT_SMTP_PORT}, {@code ALERT_SMTP_USER}, {@code ALERT_SMTP_PASSWORD}</td><td>—, 587</td><td>SMTP with STARTTLS</td></tr>
 *   <tr><td>{@code ALERT_EMAIL_FROM}, {@code ALERT_EMAIL_TO}</td><td>—</td><td>sender; comma-separated recipients</td></tr>
 *   <tr><td>{@code ALERT_LOG}</td><td>true</td><td>also log every notification</td></tr>
 *   <tr><td>{@code ALERT_EVALUATION_INTERVAL_SECONDS}</td><td>15</td><td>rule evaluation period</td></tr>
 *   <tr><td>{@code ALERT_REPEAT_INTERVAL_MINUTES}</td><td>240</td><td>re-notify a still-firing alert after</td></tr>
 * </table>
 *
 * @param notifiers the configured notifiers
 * @param evaluationInterval evaluation period
 * @param repeatInterval repeat interval
 */
public record AlertingSettings(List<Notifier> notifiers, Duration evaluationInterval, Duration repeatInterval) {

    /** Copies the list. */
    public AlertingSettings {
        notifiers = List.copyOf(notifiers);
    }

    /**
     * Reads the process environment.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static AlertingSettings fromEnvironment() {
        Map<String, String> values = new HashMap<>(System.getenv());
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("ALERT_")) {
                values.put(name, System.getProperty(name));
            }
        }
        return fromEnvironment(values);
    }

    /**
     * Reads the given variables.
     *
     * @param env variable name to value
     * @return the settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static AlertingSettings fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        List<Notifier> notifiers = new ArrayList<>();
        String webhook = value(env, "ALERT_WEBHOOK_URL");
        if (webhook != null) {
            String secret = value(env, "ALERT_WEBHOOK_SECRET");
            URI url = uri(webhook, "ALERT_WEBHOOK_URL");
            notifiers.add(secret == null ? new WebhookNotifier(url)
                    : new WebhookNotifier(url, secret.getBytes(StandardCharsets.UTF_8)));
        }
        String slack = value(env, "ALERT_SLACK_WEBHOOK_URL");
        if (slack != null) {
            notifiers.add(new SlackNotifier(uri(slack, "ALERT_SLACK_WEBHOOK_URL")));
        }
        String alertmanager = value(env, "ALERT_ALERTMANAGER_URL");
        if (alertmanager != null) {
            notifiers.add(new AlertmanagerNotifier(uri(alertmanager, "ALERT_ALERTMANAGER_URL")));
        }
        String smtp = value(env, "ALERT_SMTP_HOST");
        if (smtp != null) {
            String to = value(env, "ALERT_EMAIL_TO");
            notifiers.add(EmailNotifier.smtp(smtp, (int) number(env, "ALERT_SMTP_PORT", 587), value(env, "ALERT_EMAIL_FROM"),
                    to == null ? List.of() : List.of(to.split("\\s*,\\s*")), value(env, "ALERT_SMTP_USER"),
                    value(env, "ALERT_SMTP_PASSWORD")));
        }
        String log = value(env, "ALERT_LOG");
        if (log != null && !log.equalsIgnoreCase("true") && !log.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("ALERT_LOG must be 'true' or 'false', got '" + log + "'");
        }
        if (log == null || Boolean.parseBoolean(log)) {
            notifiers.add(new LogNotifier());
        }
        return new AlertingSettings(notifiers, Duration.ofSeconds(number(env, "ALERT_EVALUATION_INTERVAL_SECONDS", 15)),
                Duration.ofMinutes(number(env, "ALERT_REPEAT_INTERVAL_MINUTES", 240)));
    }

    /**
     * An engine builder with these notifiers and intervals.
     *
     * @param builder a builder from {@link AlertEngine#builder}
     * @return the same builder, configured
     */
    public AlertEngine.Builder applyTo(AlertEngine.Builder builder) {
        notifiers.forEach(builder::notifier);
        return builder.evaluationInterval(evaluationInterval).repeatInterval(repeatInterval);
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String v = value(env, name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be ≥ 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'", e);
        }
    }

    private static URI uri(String value, String name) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL: " + e.getMessage(), e);
        }
    }
}
