package dev.bulwark.alerting;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes notifications to the log ({@code dev.bulwark.alerting.LogNotifier}): firing as WARN, others INFO. */
public final class LogNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(LogNotifier.class);

    /** Creates a notifier that writes to the log. */
    public LogNotifier() {
        // stateless
    }

    @Override
    public String name() {
        return "log";
    }

    /** The log records every change when it happens: not grouped. */
    @Override
    public boolean grouped() {
        return false;
    }

    @Override
    public void send(List<Notification> notifications) {
        for (Notification n : notifications) {
            Alert a = n.alert();
            if (n.kind() == Notification.Kind.FIRING || n.kind() == Notification.Kind.REPEAT) {
                LOG.warn("ALERT {} {} [{}] {} labels={}", n.kind(), a.name(), a.severity().label(),
                        a.annotations().getOrDefault("summary", ""), a.labels());
            } else {
                LOG.info("ALERT {} {} [{}] {} labels={}", n.kind(), a.name(), a.severity().label(),
                        a.annotations().getOrDefault("summary", ""), a.labels());
            }
        }
    }
}
