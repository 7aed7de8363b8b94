package dev.bulwark.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.alerting.internal.Payloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * Posts a readable message to a Slack incoming webhook ({@code {"text": "..."}}): one message per
 * {@linkplain NotificationGroup group}, a title line when it holds several alerts, then one line per alert.
 */
public final class SlackNotifier implements Notifier {

    private final URI url;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * A notifier to a Slack incoming webhook.
     *
     * @param incomingWebhook the Slack incoming-webhook URL (a secret: never logged)
     */
    public SlackNotifier(URI incomingWebhook) {
        this.url = WebhookNotifier.requireHttp(incomingWebhook, "Slack webhook url");
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public void send(List<Notification> notifications) throws Exception {
        send(NotificationGroup.of(notifications));
    }

    /** Sends one group as one message. */
    @Override
    public void send(NotificationGroup group) throws Exception {
        ObjectNode body = Payloads.JSON.createObjectNode();
        String lines = text(group.notifications());
        body.put("text", group.notifications().size() > 1 ? "*" + group.title() + "*\n" + lines : lines);
        Payloads.post(client, url, Payloads.JSON.writeValueAsBytes(body), Duration.ofSeconds(10));
    }

    /**
     * The message: one line per alert.
     *
     * @param notifications the group
     * @return Slack mrkdwn text
     */
    static String text(List<Notification> notifications) {
        StringBuilder sb = new StringBuilder();
        for (Notification n : notifications) {
            Alert a = n.alert();
            String icon = a.state() == AlertState.RESOLVED ? ":white_check_mark:" : a.severity() == Severity.CRITICAL
                    ? ":rotating_light:" : ":warning:";
            sb.append(sb.length() == 0 ? "" : "\n").append(icon).append(" *").append(n.kind()).append("* `")
                    .append(a.name()).append("` (").append(a.severity().label()).append(")");
            String summary = a.annotations().get("summary");
            if (summary != null) {
                sb.append(": ").append(summary);
            }
        }
        return sb.toString();
    }
}
