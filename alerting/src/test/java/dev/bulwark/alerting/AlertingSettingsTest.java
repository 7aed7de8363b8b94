package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertingSettingsTest {

    @Test
    void configuresEveryNotifierFromTheEnvironment() {
        AlertingSettings s = AlertingSettings.fromEnvironment(Map.of(
                "ALERT_WEBHOOK_URL", "https://hooks.example/alerts", "ALERT_WEBHOOK_SECRET", "0123456789abcdef",
                "ALERT_SLACK_WEBHOOK_URL", "https://hooks.slack.example/T/B/x",
                "ALERT_ALERTMANAGER_URL", "http://am:9093/",
                "ALERT_SMTP_HOST", "smtp.example", "ALERT_EMAIL_FROM", "a@example.com", "ALERT_EMAIL_TO", "b@example.com, c@example.com",
                "ALERT_EVALUATION_INTERVAL_SECONDS", "5", "ALERT_REPEAT_INTERVAL_MINUTES", "30"));

        assertThat(s.notifiers()).extracting(Notifier::name).containsExactly("webhook", "slack", "alertmanager", "email", "log");
        assertThat(s.evaluationInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.repeatInterval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.notifiers().get(2).resendFiring()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void onlyTheLogNotifierByDefault() {
        assertThat(AlertingSettings.fromEnvironment(Map.of()).notifiers()).extracting(Notifier::name).containsExactly("log");
        assertThat(AlertingSettings.fromEnvironment(Map.of("ALERT_LOG", "false")).notifiers()).isEmpty();
    }

    @Test
    void aPortBeyond32BitsIsRefusedRatherThanWrappedToAValidOne() {
        // 2^32 + 587: a (long -> int) cast before the range check turned it into port 587
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_SMTP_HOST", "smtp",
                "ALERT_EMAIL_TO", "ops@example.org", "ALERT_SMTP_PORT", "4294967883")))
                .hasMessage("ALERT_SMTP_PORT must be from 1 to 65535, got 4294967883");
    }

    @Test
    void badValuesNameTheirVariable() {
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_WEBHOOK_URL", "ftp://x/")))
                .hasMessage("ALERT_WEBHOOK_URL must be an absolute http:// or https:// URL, got 'ftp://x/'");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_EVALUATION_INTERVAL_SECONDS", "soon")))
                .hasMessageContaining("ALERT_EVALUATION_INTERVAL_SECONDS");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_SMTP_HOST", "smtp", "ALERT_EMAIL_FROM", "a@b.c")))
                .hasMessageContaining("ALERT_EMAIL_TO");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_WEBHOOK_URL", "https://x/",
                "ALERT_WEBHOOK_SECRET", "short"))).hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_LOG", "maybe"))).hasMessageContaining("ALERT_LOG");
    }

    @Test
    void slackMessageReadsWell() {
        Alert alert = new Alert("f", "DbPoolExhausted", Severity.CRITICAL, Map.of(), Map.of("summary", "pool busy"),
                AlertState.FIRING, 1, null, null, null);

        assertThat(SlackNotifier.text(java.util.List.of(new Notification(alert, Notification.Kind.FIRING))))
                .isEqualTo(":rotating_light: *FIRING* `DbPoolExhausted` (critical): pool busy");
    }
}
