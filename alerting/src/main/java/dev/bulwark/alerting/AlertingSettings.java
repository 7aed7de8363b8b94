package dev.bulwark.alerting;

import dev.bulwark.core.internal.Env;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        return fromEnvironment(Env.system("ALERT_"));
    }

    /**
     * Reads the given variables.
     *
     * @param env variable name to value
     * @return the settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static AlertingSettings fromEnvironment(Map<String, String> env) {
        Env r = Env.of(env);
        List<Notifier> notifiers = new ArrayList<>();
        r.httpUrl("ALERT_WEBHOOK_URL").ifPresent(url -> notifiers.add(r.string("ALERT_WEBHOOK_SECRET")
                .map(secret -> new WebhookNotifier(url, secret.getBytes(StandardCharsets.UTF_8)))
                .orElseGet(() -> new WebhookNotifier(url))));
        r.httpUrl("ALERT_SLACK_WEBHOOK_URL").ifPresent(url -> notifiers.add(new SlackNotifier(url)));
        r.httpUrl("ALERT_ALERTMANAGER_URL").ifPresent(url -> notifiers.add(new AlertmanagerNotifier(url)));
        r.string("ALERT_SMTP_HOST").ifPresent(smtp -> notifiers.add(EmailNotifier.smtp(smtp,
                r.integer("ALERT_SMTP_PORT", 1, 65_535).orElse(587), r.string("ALERT_EMAIL_FROM").orElse(null),
                r.list("ALERT_EMAIL_TO"), r.string("ALERT_SMTP_USER").orElse(null),
                r.string("ALERT_SMTP_PASSWORD").orElse(null))));
        if (r.bool("ALERT_LOG").orElse(true)) {
            notifiers.add(new LogNotifier());
        }
        return new AlertingSettings(notifiers,
                Duration.ofSeconds(r.longValue("ALERT_EVALUATION_INTERVAL_SECONDS", 1, 86_400).orElse(15L)),
                Duration.ofMinutes(r.longValue("ALERT_REPEAT_INTERVAL_MINUTES", 1, 525_600).orElse(240L)));
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
}
