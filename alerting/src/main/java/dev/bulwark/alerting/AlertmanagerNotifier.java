package dev.bulwark.alerting;

import dev.bulwark.alerting.internal.Payloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Sends alerts to a Prometheus Alertmanager through its API v2 ({@code POST /api/v2/alerts}).
 * Firing alerts are re-sent every {@link #resendFiring()} (default 1 minute) as Alertmanager
 * expects, so it does not time them out; a resolved alert is sent with {@code endsAt}. Dedupe,
 * grouping, silences and routing across service instances are then Alertmanager's job.
 */
public final class AlertmanagerNotifier implements Notifier {

    /** Firing alerts are re-sent this often unless set: 1 min. */
    public static final Duration DEFAULT_RESEND = Duration.ofMinutes(1);

    private final String name;
    private final String base;
    private final URI endpoint;
    private final String generatorUrl;
    private final Duration resend;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * A notifier to one Alertmanager, re-sending firing alerts every minute.
     *
     * @param alertmanager base URL, e.g. {@code http://alertmanager:9093}
     */
    public AlertmanagerNotifier(URI alertmanager) {
        this(alertmanager, null, DEFAULT_RESEND);
    }

    /**
     * A notifier to one Alertmanager with a link back to the service and a re-send period.
     *
     * @param alertmanager base URL, e.g. {@code http://alertmanager:9093}
     * @param generatorUrl link shown in Alertmanager back to the service, or null
     * @param resendFiring how often firing alerts are re-sent (≥ 1 s)
     */
    public AlertmanagerNotifier(URI alertmanager, String generatorUrl, Duration resendFiring) {
        this("alertmanager", alertmanager, generatorUrl, resendFiring);
    }

    /**
     * A named notifier to one Alertmanager of an HA pair (each Alertmanager gets its own notifier,
     * queue and retries: Alertmanager's HA setup requires every client to send to every member).
     *
     * @param name the notifier's name in logs and metrics, e.g. {@code alertmanager-2}
     * @param alertmanager base URL, e.g. {@code http://alertmanager:9093}
     * @param generatorUrl link shown in Alertmanager back to the service, or null
     * @param resendFiring how often firing alerts are re-sent (≥ 1 s; keep it well below the
     *        Alertmanager's {@code resolve_timeout}, 5 min by default)
     */
    public AlertmanagerNotifier(String name, URI alertmanager, String generatorUrl, Duration resendFiring) {
        this.name = Objects.requireNonNull(name, "name");
        WebhookNotifier.requireHttp(alertmanager, "Alertmanager url");
        this.base = alertmanager.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/api/v2/alerts");
        this.generatorUrl = generatorUrl;
        this.resend = Objects.requireNonNull(resendFiring, "resendFiring");
        if (resendFiring.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("resendFiring must be at least 1 s, got " + resendFiring);
        }
    }

    /** The Alertmanager's base URL, without a trailing slash. */
    public String baseUrl() {
        return base;
    }

    @Override
    public String name() {
        return name;
    }

    /** Alertmanager has its own silences, inhibition and grouping. */
    @Override
    public boolean routesItself() {
        return true;
    }

    @Override
    public Duration resendFiring() {
        return resend;
    }

    @Override
    public void send(List<Notification> notifications) throws Exception {
        Payloads.post(client, endpoint, Payloads.JSON.writeValueAsBytes(Payloads.alertmanager(notifications, generatorUrl)),
                Duration.ofSeconds(10));
    }
}
