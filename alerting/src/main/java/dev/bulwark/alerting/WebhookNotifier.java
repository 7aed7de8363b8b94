package dev.bulwark.alerting;

import dev.bulwark.alerting.internal.Payloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs notifications as JSON to a URL. With a secret, the body is signed: header
 * {@code X-Bulwark-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">} and
 * {@code X-Bulwark-Timestamp: <epoch seconds>}, so the receiver can check origin and freshness.
 *
 * <p>Body: Alertmanager's webhook format, one POST per {@linkplain NotificationGroup group}, so
 * a receiver written for Alertmanager reads it: {@code {"version":"4","groupKey","status"
 * (firing when any alert fires),"receiver","groupLabels","commonLabels","commonAnnotations",
 * "externalURL","truncatedAlerts","sentAt","alerts":[{"status","labels","annotations","startsAt",
 * "endsAt","fingerprint","name","kind","state","severity","value"}]}}.
 */
public final class WebhookNotifier implements Notifier {

    private final String name;
    private final URI url;
    private final byte[] secret;
    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    /**
     * An unsigned webhook (prefer {@link #WebhookNotifier(URI, byte[])}).
     *
     * @param url where to POST
     */
    public WebhookNotifier(URI url) {
        this("webhook", url, null, Duration.ofSeconds(10), Clock.systemUTC());
    }

    /**
     * A signed webhook.
     *
     * @param url where to POST
     * @param secret HMAC key, at least 16 bytes
     */
    public WebhookNotifier(URI url, byte[] secret) {
        this("webhook", url, secret, Duration.ofSeconds(10), Clock.systemUTC());
    }

    /**
     * Full control.
     *
     * @param name notifier name (metrics, logs)
     * @param url where to POST (http or https)
     * @param secret HMAC key (≥ 16 bytes) or null for unsigned
     * @param timeout per request
     * @param clock timestamps
     */
    public WebhookNotifier(String name, URI url, byte[] secret, Duration timeout, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = requireHttp(url, "webhook url");
        if (secret != null && secret.length < 16) {
            throw new IllegalArgumentException("webhook secret must be at least 16 bytes, got " + secret.length);
        }
        this.secret = secret == null ? null : secret.clone();
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    static URI requireHttp(URI url, String what) {
        Objects.requireNonNull(url, what);
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an http(s) URL, got '" + url + "'");
        }
        return url;
    }

    @Override
    public String name() {
        return name;
    }

    /** Sends the notifications as one group without group labels. */
    @Override
    public void send(List<Notification> notifications) throws Exception {
        send(NotificationGroup.of(notifications));
    }

    /** Sends one group as one POST. */
    @Override
    public void send(NotificationGroup group) throws Exception {
        byte[] body = Payloads.JSON.writeValueAsBytes(Payloads.webhook(group, name, clock.instant()));
        if (secret == null) {
            Payloads.post(client, url, body, timeout);
            return;
        }
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Payloads.post(client, url, body, timeout, "X-Bulwark-Timestamp", timestamp, "X-Bulwark-Signature",
                "sha256=" + sign(secret, timestamp, body));
    }

    /**
     * The signature a receiver recomputes: hex HMAC-SHA256 of {@code timestamp + "." + body}.
     *
     * @param secret the shared secret
     * @param timestamp the {@code X-Bulwark-Timestamp} value
     * @param body the raw body
     * @return lower-case hex
     */
    public static String sign(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
