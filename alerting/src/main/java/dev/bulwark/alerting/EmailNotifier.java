package dev.bulwark.alerting;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends one e-mail per {@linkplain NotificationGroup notification group} through SMTP (Jakarta Mail / Angus Mail: add
 * {@code org.eclipse.angus:angus-mail}). STARTTLS is required by default; plain SMTP needs
 * the loudly named {@link #withoutTlsForLocalTesting()}.
 */
public final class EmailNotifier implements Notifier {

    private final String host;
    private final int port;
    private final String from;
    private final List<String> to;
    private final String user;
    private final String password;
    private final boolean requireTls;

    private EmailNotifier(String host, int port, String from, List<String> to, String user, String password,
            boolean requireTls) {
        this.host = host;
        this.port = port;
        this.from = from;
        this.to = List.copyOf(to);
        this.user = user;
        this.password = password;
        this.requireTls = requireTls;
    }

    /**
     * An SMTP notifier requiring STARTTLS.
     *
     * @param host SMTP host
     * @param port SMTP port (1..65535)
     * @param from sender address
     * @param to recipients (at least one)
     * @param user SMTP user, or null for none
     * @param password SMTP password, or null
     * @return the notifier
     * @throws IllegalArgumentException naming the bad field
     */
    public static EmailNotifier smtp(String host, int port, String from, List<String> to, String user, String password) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("SMTP host must not be empty (ALERT_SMTP_HOST)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SMTP port must be 1..65535 (ALERT_SMTP_PORT), got " + port);
        }
        Objects.requireNonNull(to, "to");
        if (to.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient is needed (ALERT_EMAIL_TO)");
        }
        for (String address : to) {
            parse(address, "recipient (ALERT_EMAIL_TO)");
        }
        parse(from, "sender (ALERT_EMAIL_FROM)");
        return new EmailNotifier(host, port, from, to, user, password, true);
    }

    /**
     * The same notifier over plain SMTP, for a local test server only: credentials and alerts
     * then travel unencrypted.
     *
     * @return a copy without TLS
     */
    public EmailNotifier withoutTlsForLocalTesting() {
        return new EmailNotifier(host, port, from, to, user, password, false);
    }

    private static InternetAddress parse(String address, String what) {
        if (address == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        try {
            return new InternetAddress(address, true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException(what + " is not a valid e-mail address: '" + address + "'", e);
        }
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(List<Notification> notifications) throws MessagingException {
        send(NotificationGroup.of(notifications));
    }

    /**
     * Sends one group as one e-mail: a single alert's subject is
     * {@code [SEVERITY] KIND name}, a group's {@code [SEVERITY] [FIRING:n, RESOLVED:m] group labels}
     * with the most severe alert's severity.
     */
    @Override
    public void send(NotificationGroup group) throws MessagingException {
        List<Notification> notifications = group.notifications();
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.smtp.writetimeout", "10000");
        props.put("mail.smtp.starttls.enable", Boolean.toString(requireTls));
        props.put("mail.smtp.starttls.required", Boolean.toString(requireTls));
        props.put("mail.smtp.auth", Boolean.toString(user != null));
        Session session = user == null ? Session.getInstance(props) : Session.getInstance(props, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(user, password);
            }
        });
        MimeMessage message = new MimeMessage(session);
        message.setFrom(parse(from, "sender"));
        for (String address : to) {
            message.addRecipient(Message.RecipientType.TO, parse(address, "recipient"));
        }
        Notification first = notifications.get(0);
        Severity worst = notifications.stream().map(n -> n.alert().severity()).min(Enum::compareTo)
                .orElse(first.alert().severity());
        message.setSubject("[" + worst.label().toUpperCase(java.util.Locale.ROOT) + "] "
                + (notifications.size() == 1 ? first.kind() + " " + first.alert().name() : group.title()), "UTF-8");
        StringBuilder body = new StringBuilder();
        if (notifications.size() > 1) {
            body.append(group.title()).append("\n\n");
        }
        for (Notification n : notifications) {
            Alert a = n.alert();
            body.append(n.kind()).append(": ").append(a.name()).append(" [").append(a.severity().label()).append("]\n");
            a.annotations().forEach((k, v) -> body.append("  ").append(k).append(": ").append(v).append('\n'));
            body.append("  labels: ").append(a.labels()).append("\n\n");
        }
        message.setText(body.toString(), "UTF-8");
        Transport.send(message);
    }
}
