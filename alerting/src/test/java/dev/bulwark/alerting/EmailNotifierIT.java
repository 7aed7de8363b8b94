package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** E-mail through a real (in-process) SMTP server, GreenMail. */
class EmailNotifierIT {

    GreenMail smtp;
    int port;

    @BeforeEach
    void startSmtp() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @Test
    void mailsAFiringAlert() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) () -> 500);
        EmailNotifier email = EmailNotifier.smtp("127.0.0.1", port, "alerts@bulwark.test", List.of("oncall@bulwark.test"),
                null, null).withoutTlsForLocalTesting();
        try (AlertEngine engine = AlertEngine.builder(metrics)
                .settings(AlertingSettings.builder().notifier(email).groupWait(Duration.ZERO).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build()).build()) {
            engine.evaluate();

            assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        }
        MimeMessage message = smtp.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("[WARNING] FIRING HighQueueDepth");
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("oncall@bulwark.test");
        assertThat(GreenMailUtil.getBody(message)).contains("Queue queue.depth depth 500 above 100");
    }

    @Test
    void mailsOneMessagePerGroup() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("q1", (Gauge<Integer>) () -> 500);
        metrics.register("q2", (Gauge<Integer>) () -> 500);
        metrics.register("q3", (Gauge<Integer>) () -> 500);
        metrics.register("disk", (Gauge<Integer>) () -> 1);
        EmailNotifier email = EmailNotifier.smtp("127.0.0.1", port, "alerts@bulwark.test", List.of("oncall@bulwark.test"),
                null, null).withoutTlsForLocalTesting();
        dev.bulwark.testsupport.MutableClock clock = new dev.bulwark.testsupport.MutableClock(
                java.time.Instant.parse("2026-11-26T12:00:00Z"));
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(email).build())
                .rules(RulePack.highQueueDepth("q1", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q2", 100).forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("q3", 100).forDuration(Duration.ZERO).build(),
                        AlertRule.builder("DiskFull").signal(Signals.gauge("disk")).above(0).severity(Severity.CRITICAL)
                                .forDuration(Duration.ZERO).build())
                .build()) {
            engine.evaluate();
            clock.advance(AlertingSettings.DEFAULT_GROUP_WAIT);
            engine.evaluate();

            assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        }
        assertThat(smtp.getReceivedMessages()).hasSize(2);
        List<String> subjects = new java.util.ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            subjects.add(m.getSubject());
        }
        assertThat(subjects).containsExactlyInAnyOrder(
                "[WARNING] [FIRING:3] alertname=HighQueueDepth instance=pod-a", "[CRITICAL] FIRING DiskFull");
        MimeMessage group = smtp.getReceivedMessages()[subjects.indexOf(
                "[WARNING] [FIRING:3] alertname=HighQueueDepth instance=pod-a")];
        assertThat(GreenMailUtil.getBody(group)).contains("Queue q1 depth 500", "Queue q2 depth 500", "Queue q3 depth 500");
    }

    @Test
    void requiresStartTlsByDefault() {
        EmailNotifier email = EmailNotifier.smtp("127.0.0.1", port, "alerts@bulwark.test", List.of("oncall@bulwark.test"),
                null, null);
        Alert alert = new Alert("f", "X", Severity.INFO, java.util.Map.of(), java.util.Map.of(), AlertState.FIRING, 1,
                null, null, null);

        assertThatThrownBy(() -> email.send(List.of(new Notification(alert, Notification.Kind.TEST))))
                .hasMessageContaining("STARTTLS");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void refusesBadAddressesAtConfigurationTime() {
        assertThatThrownBy(() -> EmailNotifier.smtp("127.0.0.1", port, "alerts@bulwark.test", List.of("not an address"),
                null, null)).hasMessageContaining("ALERT_EMAIL_TO");
        assertThatThrownBy(() -> EmailNotifier.smtp("", port, "a@b.c", List.of("a@b.c"), null, null))
                .hasMessageContaining("ALERT_SMTP_HOST");
    }
}
