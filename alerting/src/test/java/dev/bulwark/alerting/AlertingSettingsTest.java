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
    void defaultsAreTheNamedConstantsAndTheEnvironmentCanSetEveryKnob() {
        AlertingSettings d = AlertingSettings.defaults();
        assertThat(d.notifiers()).isEmpty();
        assertThat(d.evaluationInterval()).isEqualTo(AlertingSettings.DEFAULT_EVALUATION_INTERVAL);
        assertThat(d.repeatInterval()).isEqualTo(AlertingSettings.DEFAULT_REPEAT_INTERVAL);
        assertThat(d.resolvedRetention()).isEqualTo(AlertingSettings.DEFAULT_RESOLVED_RETENTION);
        assertThat(d.queueCapacity()).isEqualTo(AlertingSettings.DEFAULT_QUEUE_CAPACITY);
        assertThat(d.maxAttempts()).isEqualTo(AlertingSettings.DEFAULT_MAX_ATTEMPTS);
        assertThat(d.initialBackoff()).isEqualTo(AlertingSettings.DEFAULT_INITIAL_BACKOFF);
        assertThat(d.maxBackoff()).isEqualTo(AlertingSettings.DEFAULT_MAX_BACKOFF);

        AlertingSettings s = AlertingSettings.fromEnvironment(Map.of("ALERT_LOG", "false",
                "ALERT_RESOLVED_RETENTION_MINUTES", "2", "ALERT_QUEUE_CAPACITY", "7", "ALERT_RETRY_ATTEMPTS", "3",
                "ALERT_RETRY_INITIAL_BACKOFF_MS", "50", "ALERT_RETRY_MAX_BACKOFF_MS", "500"));
        assertThat(s.describe()).containsEntry("resolvedRetentionMs", 120_000L).containsEntry("queueCapacity", 7)
                .containsEntry("maxAttempts", 3).containsEntry("initialBackoffMs", 50L).containsEntry("maxBackoffMs", 500L);
    }

    @Test
    void groupingDefaultsAreAlertmanagersTimersAndTheEnvironmentSetsThem() {
        AlertingSettings d = AlertingSettings.defaults();
        assertThat(d.groupBy()).containsExactly("alertname", "instance");
        assertThat(d.groupWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.groupInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.repeatInterval()).isEqualTo(Duration.ofHours(4));

        AlertingSettings s = AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_BY", "alertname, queue",
                "ALERT_GROUP_WAIT_SECONDS", "10", "ALERT_GROUP_INTERVAL_SECONDS", "60", "ALERT_REPEAT_INTERVAL_MINUTES", "90"));
        assertThat(s.groupBy()).containsExactly("alertname", "queue");
        assertThat(s.groupWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.groupInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.repeatInterval()).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.toBuilder().build().groupBy()).containsExactly("alertname", "queue");
        assertThat(s.describe()).containsEntry("groupWaitMs", 10_000L).containsEntry("groupIntervalMs", 60_000L);

        assertThat(AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_BY", "...")).groupBy()).containsExactly("...");
        assertThat(AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_BY", "[]")).groupBy()).isEmpty();
    }

    @Test
    void invalidGroupingNamesTheSettingItsVariableAndTheFix() {
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_BY", "alertname,9lives")))
                .hasMessageContaining("groupBy (ALERT_GROUP_BY): '9lives' is not a label name")
                .hasMessageContaining("'...' for every label or '[]' for one group");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_BY", "alertname,,instance")))
                .hasMessageContaining("'' is not a label name");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_BY", "...,alertname")))
                .hasMessageContaining("'...' (every label) must stand alone");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_BY", "alertname,alertname")))
                .hasMessageContaining("label 'alertname' is listed twice");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_WAIT_SECONDS", "-1")))
                .hasMessage("groupWait (ALERT_GROUP_WAIT_SECONDS) must be from 0 s to 3600 s, got -1 s");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_GROUP_INTERVAL_SECONDS", "86401")))
                .hasMessage("groupInterval (ALERT_GROUP_INTERVAL_SECONDS) must be from 0 s to 86400 s, got 86401 s");
        assertThatThrownBy(() -> AlertingSettings.builder().groupBy(null).build())
                .hasMessageContaining("groupBy (ALERT_GROUP_BY)");
    }

    @Test
    void toBuilderKeepsEverythingButWhatIsChanged() {
        AlertingSettings base = AlertingSettings.builder().notifier(new LogNotifier()).queueCapacity(5).build();
        AlertingSettings changed = base.toBuilder().maxAttempts(2).build();
        assertThat(changed.notifiers()).extracting(Notifier::name).containsExactly("log");
        assertThat(changed.queueCapacity()).isEqualTo(5);
        assertThat(changed.maxAttempts()).isEqualTo(2);
        assertThat(base.maxAttempts()).isEqualTo(AlertingSettings.DEFAULT_MAX_ATTEMPTS);
    }

    @Test
    void invalidKnobsNameTheSettingAndItsVariable() {
        assertThatThrownBy(() -> AlertingSettings.builder().maxBackoff(Duration.ofMillis(10))
                .initialBackoff(Duration.ofSeconds(1)).build())
                .hasMessage("maxBackoff (ALERT_RETRY_MAX_BACKOFF_MS) must be at least PT1S, got PT0.01S");
        assertThatThrownBy(() -> AlertingSettings.fromEnvironment(Map.of("ALERT_QUEUE_CAPACITY", "0")))
                .hasMessage("queueCapacity (ALERT_QUEUE_CAPACITY) must be at least 1, got 0");
        assertThatThrownBy(() -> AlertingSettings.builder().notifier(new LogNotifier()).notifier(new LogNotifier()).build())
                .hasMessageContaining("two notifiers are named 'log'");
    }

    @Test
    void theEngineRunsItsThreadsOnTheCallersFactory() {
        java.util.List<String> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ThreadFactory factory = r -> {
            Thread t = new Thread(r, "service-thread-" + made.size());
            t.setDaemon(true);
            made.add(t.getName());
            return t;
        };
        com.codahale.metrics.MetricRegistry metrics = new com.codahale.metrics.MetricRegistry();
        try (AlertEngine engine = AlertEngine.builder(metrics).threadFactory(factory)
                .settings(AlertingSettings.builder().notifier(new LogNotifier())
                        .evaluationInterval(Duration.ofMillis(100)).build()).build()) {
            engine.start();
            engine.sendTestAlert();
            dev.bulwark.testsupport.Poll.until(Duration.ofSeconds(5), "evaluation and delivery threads",
                    () -> made.size() >= 2);
        }
        assertThat(made).allMatch(n -> n.startsWith("service-thread-"));
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
