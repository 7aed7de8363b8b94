package dev.bulwark.alerting;

import dev.bulwark.core.internal.Env;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything an {@link AlertEngine} is configured with: its notifiers, evaluation timing and
 * delivery policy. Immutable; built with {@link #builder()} or read from {@code ALERT_*}
 * environment variables with {@link #fromEnvironment()}. Every default is a {@code DEFAULT_*}
 * constant of this class and is stated nowhere else.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code ALERT_WEBHOOK_URL}, {@code ALERT_WEBHOOK_SECRET}</td><td>—</td><td>generic webhook; secret (≥ 16 bytes) signs it</td></tr>
 *   <tr><td>{@code ALERT_SLACK_WEBHOOK_URL}</td><td>—</td><td>Slack incoming webhook</td></tr>
 *   <tr><td>{@code ALERT_ALERTMANAGER_URL}</td><td>—</td><td>Alertmanager base URLs (API v2), comma-separated: every one gets every notification (HA)</td></tr>
 *   <tr><td>{@code ALERT_INSTANCE}</td><td>{@code HOSTNAME} (pod name), else host name and process id</td><td>the {@code instance} label of per-instance alerts</td></tr>
 *   <tr><td>{@code ALERT_HEARTBEAT_URL}, {@code ALERT_HEARTBEAT_INTERVAL_SECONDS}</td><td>—, 60</td><td>dead man's switch pinged (POST) after evaluations</td></tr>
 *   <tr><td>{@code ALERT_SIGNAL_TIMEOUT_MS}</td><td>5000</td><td>longest wait for the signals of one evaluation</td></tr>
 *   <tr><td>{@code ALERT_SMTP_HOST}, {@code ALERT_SMTP_PORT}, {@code ALERT_SMTP_USER}, {@code ALERT_SMTP_PASSWORD}</td><td>—, 587</td><td>SMTP with STARTTLS</td></tr>
 *   <tr><td>{@code ALERT_EMAIL_FROM}, {@code ALERT_EMAIL_TO}</td><td>—</td><td>sender; comma-separated recipients</td></tr>
 *   <tr><td>{@code ALERT_LOG}</td><td>true</td><td>also log every notification</td></tr>
 *   <tr><td>{@code ALERT_EVALUATION_INTERVAL_SECONDS}</td><td>15</td><td>rule evaluation period</td></tr>
 *   <tr><td>{@code ALERT_GROUP_BY}</td><td>{@code alertname,instance}</td><td>labels that make a notification group of the direct notifiers; {@code ...} every label, {@code []} one group</td></tr>
 *   <tr><td>{@code ALERT_GROUP_WAIT_SECONDS}</td><td>30</td><td>wait before the first notification of a new group</td></tr>
 *   <tr><td>{@code ALERT_GROUP_INTERVAL_SECONDS}</td><td>300</td><td>wait before notifying new or resolved alerts of a notified group</td></tr>
 *   <tr><td>{@code ALERT_REPEAT_INTERVAL_MINUTES}</td><td>240</td><td>re-notify a group (or, for Alertmanager, an alert) that still fires unchanged after</td></tr>
 *   <tr><td>{@code ALERT_RESOLVED_RETENTION_MINUTES}</td><td>15</td><td>how long resolved alerts stay listed</td></tr>
 *   <tr><td>{@code ALERT_TEST_MIN_INTERVAL_SECONDS}</td><td>60</td><td>shortest time between two test alerts of one engine (0 = no limit)</td></tr>
 *   <tr><td>{@code ALERT_QUEUE_CAPACITY}</td><td>100</td><td>notification groups queued per notifier</td></tr>
 *   <tr><td>{@code ALERT_RETRY_ATTEMPTS}</td><td>6</td><td>delivery attempts per group</td></tr>
 *   <tr><td>{@code ALERT_RETRY_INITIAL_BACKOFF_MS}, {@code ALERT_RETRY_MAX_BACKOFF_MS}</td><td>1000, 60000</td><td>backoff doubling from the first to the cap, ±20 % jitter</td></tr>
 * </table>
 */
public final class AlertingSettings {

    /** Rules are evaluated this often unless set: 15 s. */
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(15);
    /** A still-firing alert is notified again after this: 4 h. */
    public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);
    /** Resolved alerts stay listed by {@link AlertEngine#activeAlerts()} this long: 15 min. */
    public static final Duration DEFAULT_RESOLVED_RETENTION = Duration.ofMinutes(15);
    /** Notification groups waiting per notifier before new ones are dropped: 100. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100;
    /** Delivery attempts per notification group: 6. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** First retry backoff: 1 s. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** Retry backoff cap: 1 min. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);
    /**
     * The labels that make a notification group of the direct notifiers unless set:
     * {@code alertname} and {@code instance}, so one message tells of one kind of problem on one
     * replica (or, without {@code instance}, of a cluster-scoped problem).
     */
    public static final List<String> DEFAULT_GROUP_BY = List.of("alertname", "instance");
    /** {@link Builder#groupBy(List)} value that groups by every label: each alert is a group. */
    public static final String GROUP_BY_ALL = "...";
    /** Wait before the first notification of a new group ({@code ALERT_GROUP_WAIT_SECONDS}): 30 s. */
    public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
    /** Wait before notifying changes of an already notified group ({@code ALERT_GROUP_INTERVAL_SECONDS}): 5 min. */
    public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
    /** Whether {@link #fromEnvironment()} adds a {@link LogNotifier} ({@code ALERT_LOG}): true. */
    public static final boolean DEFAULT_LOG = true;
    /** SMTP port when {@code ALERT_SMTP_PORT} is unset: 587 (submission with STARTTLS). */
    public static final int DEFAULT_SMTP_PORT = 587;

    /** Longest wait for the signals of one evaluation ({@code ALERT_SIGNAL_TIMEOUT_MS}): 5 s. */
    public static final Duration DEFAULT_SIGNAL_TIMEOUT = Duration.ofSeconds(5);

    /** The dead man's switch is pinged at most this often ({@code ALERT_HEARTBEAT_INTERVAL_SECONDS}): 60 s. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);

    /**
     * At most one test alert per this long per engine ({@code ALERT_TEST_MIN_INTERVAL_SECONDS}): 60 s,
     * so a script or a stolen admin session cannot page on-call in a loop (review 2026-11-26, A3).
     */
    public static final Duration DEFAULT_TEST_ALERT_MIN_INTERVAL = Duration.ofSeconds(60);
    static final Duration MAX_TEST_ALERT_MIN_INTERVAL = Duration.ofHours(1);

    static final Duration MIN_EVALUATION_INTERVAL = Duration.ofMillis(100);
    static final Duration MIN_REPEAT_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_GROUP_WAIT = Duration.ofHours(1);
    static final Duration MAX_GROUP_INTERVAL = Duration.ofHours(24);

    private final List<Notifier> notifiers;
    private final Duration evaluationInterval;
    private final Duration repeatInterval;
    private final Duration resolvedRetention;
    private final int queueCapacity;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String instance;
    private final Duration signalTimeout;
    private final URI heartbeatUrl;
    private final Duration heartbeatInterval;
    private final List<String> groupBy;
    private final Duration groupWait;
    private final Duration groupInterval;
    private final Duration testAlertMinInterval;

    private AlertingSettings(Builder b) {
        this.testAlertMinInterval = b.testAlertMinInterval;
        this.groupBy = List.copyOf(b.groupBy);
        this.groupWait = b.groupWait;
        this.groupInterval = b.groupInterval;
        this.heartbeatUrl = b.heartbeatUrl;
        this.heartbeatInterval = b.heartbeatInterval;
        this.notifiers = List.copyOf(b.notifiers);
        this.evaluationInterval = b.evaluationInterval;
        this.repeatInterval = b.repeatInterval;
        this.resolvedRetention = b.resolvedRetention;
        this.queueCapacity = b.queueCapacity;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.instance = b.instance != null ? b.instance : defaultInstance(System.getenv());
        this.signalTimeout = b.signalTimeout;
    }

    /**
     * The default {@code instance} label: the {@code HOSTNAME} variable when set (the pod name on
     * Kubernetes), else this machine's host name and a short hash of the working directory
     * ({@code host:1a2b3c}). It stays the same when the process restarts, so the saved state is
     * found again and a restart during an incident does not page twice (a process id would change
     * at every start); two services on one host differ when they run from different directories.
     * Two replicas started from one directory on one host must set {@code ALERT_INSTANCE}.
     *
     * @param env the environment to read {@code HOSTNAME} from
     * @return the instance name
     */
    static String defaultInstance(Map<String, String> env) {
        String pod = env.get("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod.trim();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        String dir = System.getProperty("user.dir", "");
        String hash = java.util.HexFormat.of().formatHex(
                dev.bulwark.core.internal.Sha256.digest(dir.getBytes(StandardCharsets.UTF_8))).substring(0, 6);
        String name = host.replaceAll("[^A-Za-z0-9._:-]", "_");
        return (name.length() > 100 ? name.substring(0, 100) : name) + ":" + hash;
    }

    /**
     * A builder with every default set and no notifier.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Settings with every default and no notifier (alerts are kept and listed, not sent).
     *
     * @return the settings
     */
    public static AlertingSettings defaults() {
        return builder().build();
    }

    /**
     * A builder holding these settings, to change some of them.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.notifiers.addAll(notifiers);
        b.evaluationInterval = evaluationInterval;
        b.repeatInterval = repeatInterval;
        b.resolvedRetention = resolvedRetention;
        b.queueCapacity = queueCapacity;
        b.maxAttempts = maxAttempts;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.instance = instance;
        b.signalTimeout = signalTimeout;
        b.heartbeatUrl = heartbeatUrl;
        b.heartbeatInterval = heartbeatInterval;
        b.groupBy = groupBy;
        b.groupWait = groupWait;
        b.groupInterval = groupInterval;
        b.testAlertMinInterval = testAlertMinInterval;
        return b;
    }

    /**
     * Reads the process environment ({@code ALERT_*}; a JVM system property of the same name
     * wins). A notifier is configured when its URL or host is set.
     *
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static AlertingSettings fromEnvironment() {
        return fromEnvironment(Env.system("ALERT_"));
    }

    /**
     * Reads the given variables (same names as {@link #fromEnvironment()}).
     *
     * @param env variable name to value; absent or blank means unset
     * @return the validated settings
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static AlertingSettings fromEnvironment(Map<String, String> env) {
        Env r = Env.of(env);
        Builder b = builder();
        r.httpUrl("ALERT_WEBHOOK_URL").ifPresent(url -> b.notifier(r.string("ALERT_WEBHOOK_SECRET")
                .map(secret -> new WebhookNotifier(url, secret.getBytes(StandardCharsets.UTF_8)))
                .orElseGet(() -> new WebhookNotifier(url))));
        r.httpUrl("ALERT_SLACK_WEBHOOK_URL").ifPresent(url -> b.notifier(new SlackNotifier(url)));
        List<String> alertmanagers = r.list("ALERT_ALERTMANAGER_URL");
        for (int i = 0; i < alertmanagers.size(); i++) {
            String name = "ALERT_ALERTMANAGER_URL[" + i + "]";
            URI url = Env.of(Map.of(name, alertmanagers.get(i))).httpUrl(name).orElseThrow();
            b.notifier(new AlertmanagerNotifier(i == 0 ? "alertmanager" : "alertmanager-" + (i + 1), url, null,
                    AlertmanagerNotifier.DEFAULT_RESEND));
        }
        r.string("ALERT_SMTP_HOST").ifPresent(smtp -> b.notifier(EmailNotifier.smtp(smtp,
                r.integer("ALERT_SMTP_PORT", 1, 65_535).orElse(DEFAULT_SMTP_PORT),
                r.string("ALERT_EMAIL_FROM").orElse(null), r.list("ALERT_EMAIL_TO"),
                r.string("ALERT_SMTP_USER").orElse(null), r.string("ALERT_SMTP_PASSWORD").orElse(null))));
        if (r.bool("ALERT_LOG").orElse(DEFAULT_LOG)) {
            b.notifier(new LogNotifier());
        }
        r.duration("ALERT_EVALUATION_INTERVAL_SECONDS", ChronoUnit.SECONDS).ifPresent(b::evaluationInterval);
        r.duration("ALERT_REPEAT_INTERVAL_MINUTES", ChronoUnit.MINUTES).ifPresent(b::repeatInterval);
        r.string("ALERT_GROUP_BY").ifPresent(v -> b.groupBy(parseGroupBy(v)));
        r.duration("ALERT_GROUP_WAIT_SECONDS", ChronoUnit.SECONDS).ifPresent(b::groupWait);
        r.duration("ALERT_GROUP_INTERVAL_SECONDS", ChronoUnit.SECONDS).ifPresent(b::groupInterval);
        r.duration("ALERT_RESOLVED_RETENTION_MINUTES", ChronoUnit.MINUTES).ifPresent(b::resolvedRetention);
        r.integer("ALERT_QUEUE_CAPACITY").ifPresent(b::queueCapacity);
        b.instance(r.string("ALERT_INSTANCE").orElseGet(() -> defaultInstance(env)));
        r.duration("ALERT_SIGNAL_TIMEOUT_MS", ChronoUnit.MILLIS).ifPresent(b::signalTimeout);
        r.httpUrl("ALERT_HEARTBEAT_URL").ifPresent(b::heartbeatUrl);
        r.duration("ALERT_HEARTBEAT_INTERVAL_SECONDS", ChronoUnit.SECONDS).ifPresent(b::heartbeatInterval);
        r.duration("ALERT_TEST_MIN_INTERVAL_SECONDS", ChronoUnit.SECONDS).ifPresent(b::testAlertMinInterval);
        r.integer("ALERT_RETRY_ATTEMPTS").ifPresent(b::maxAttempts);
        r.duration("ALERT_RETRY_INITIAL_BACKOFF_MS", ChronoUnit.MILLIS).ifPresent(b::initialBackoff);
        r.duration("ALERT_RETRY_MAX_BACKOFF_MS", ChronoUnit.MILLIS).ifPresent(b::maxBackoff);
        return b.build();
    }

    /** {@code ALERT_GROUP_BY}: comma-separated label names, {@code ...} for every label, {@code []} for one group. */
    private static List<String> parseGroupBy(String value) {
        String v = value.trim();
        if (v.equals("[]")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String item : v.split(",")) {
            out.add(item.trim());
        }
        return out;
    }

    /** The notifiers every notification goes to, each with its own queue and retries. */
    public List<Notifier> notifiers() {
        return notifiers;
    }

    /** How often rules are evaluated ({@code ALERT_EVALUATION_INTERVAL_SECONDS}). */
    public Duration evaluationInterval() {
        return evaluationInterval;
    }

    /**
     * The labels whose values make a notification group of the direct notifiers
     * ({@code ALERT_GROUP_BY}): {@code [...]} ({@link #GROUP_BY_ALL}) groups by every label, an
     * empty list puts every alert in one group. Alertmanager groups by itself and is not grouped.
     */
    public List<String> groupBy() {
        return groupBy;
    }

    /** How long a new group waits for more alerts before its first notification ({@code ALERT_GROUP_WAIT_SECONDS}). */
    public Duration groupWait() {
        return groupWait;
    }

    /**
     * How long a notified group waits before a notification about alerts added to it or resolved
     * ({@code ALERT_GROUP_INTERVAL_SECONDS}); zero sends every change at once.
     */
    public Duration groupInterval() {
        return groupInterval;
    }

    /**
     * After how long a group that still fires unchanged is notified again, checked at its group
     * interval (for Alertmanager, which is not grouped: an alert) ({@code ALERT_REPEAT_INTERVAL_MINUTES}).
     */
    public Duration repeatInterval() {
        return repeatInterval;
    }

    /** How long resolved alerts stay listed ({@code ALERT_RESOLVED_RETENTION_MINUTES}). */
    public Duration resolvedRetention() {
        return resolvedRetention;
    }

    /** Notification groups queued per notifier before new ones are dropped ({@code ALERT_QUEUE_CAPACITY}). */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** Delivery attempts per notification group ({@code ALERT_RETRY_ATTEMPTS}). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** First retry backoff ({@code ALERT_RETRY_INITIAL_BACKOFF_MS}). */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Retry backoff cap ({@code ALERT_RETRY_MAX_BACKOFF_MS}). */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The {@code instance} label of this replica's per-instance alerts ({@code ALERT_INSTANCE}). */
    public String instance() {
        return instance;
    }

    /** Longest wait for the signals of one evaluation ({@code ALERT_SIGNAL_TIMEOUT_MS}). */
    public Duration signalTimeout() {
        return signalTimeout;
    }

    /** The dead man's switch pinged after evaluations ({@code ALERT_HEARTBEAT_URL}), or null. */
    public URI heartbeatUrl() {
        return heartbeatUrl;
    }

    /** How often at most the dead man's switch is pinged ({@code ALERT_HEARTBEAT_INTERVAL_SECONDS}). */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * The shortest time between two test alerts of one engine ({@code ALERT_TEST_MIN_INTERVAL_SECONDS});
     * zero allows every one.
     */
    public Duration testAlertMinInterval() {
        return testAlertMinInterval;
    }

    /** The settings as name/value pairs, for logs and health output; no secret is included. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("notifiers", notifiers.stream().map(Notifier::name).toList());
        out.put("evaluationIntervalMs", evaluationInterval.toMillis());
        out.put("repeatIntervalMs", repeatInterval.toMillis());
        out.put("groupBy", groupBy);
        out.put("groupWaitMs", groupWait.toMillis());
        out.put("groupIntervalMs", groupInterval.toMillis());
        out.put("resolvedRetentionMs", resolvedRetention.toMillis());
        out.put("queueCapacity", queueCapacity);
        out.put("maxAttempts", maxAttempts);
        out.put("initialBackoffMs", initialBackoff.toMillis());
        out.put("maxBackoffMs", maxBackoff.toMillis());
        out.put("instance", instance);
        out.put("signalTimeoutMs", signalTimeout.toMillis());
        out.put("heartbeat", heartbeatUrl != null);
        out.put("heartbeatIntervalMs", heartbeatInterval.toMillis());
        out.put("testAlertMinIntervalMs", testAlertMinInterval.toMillis());
        return out;
    }

    /** Names the notifiers, never their URLs or secrets. */
    @Override
    public String toString() {
        return "AlertingSettings" + describe();
    }

    /** Builds {@link AlertingSettings}; every value is validated in {@link #build()}. */
    public static final class Builder {
        private final List<Notifier> notifiers = new ArrayList<>();
        private Duration evaluationInterval = DEFAULT_EVALUATION_INTERVAL;
        private Duration repeatInterval = DEFAULT_REPEAT_INTERVAL;
        private Duration resolvedRetention = DEFAULT_RESOLVED_RETENTION;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private String instance;
        private Duration signalTimeout = DEFAULT_SIGNAL_TIMEOUT;
        private URI heartbeatUrl;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private List<String> groupBy = DEFAULT_GROUP_BY;
        private Duration groupWait = DEFAULT_GROUP_WAIT;
        private Duration groupInterval = DEFAULT_GROUP_INTERVAL;
        private Duration testAlertMinInterval = DEFAULT_TEST_ALERT_MIN_INTERVAL;

        private Builder() {
        }

        /**
         * Sets the shortest time between two test alerts ({@link AlertEngine#sendTestAlert()}) of
         * one engine; a test alert sooner is refused with {@link TestAlertTooSoonException}.
         *
         * @param interval zero (no limit) to 1 h (default {@link #DEFAULT_TEST_ALERT_MIN_INTERVAL})
         * @return this
         */
        public Builder testAlertMinInterval(Duration interval) {
            this.testAlertMinInterval = interval;
            return this;
        }

        /**
         * Sets the labels whose values make a notification group of the direct notifiers (webhook,
         * Slack, e-mail): alerts with equal values of these labels go out in one notification.
         *
         * @param labels label names; {@code List.of("...")} groups by every label (each alert alone),
         *        an empty list puts every alert in one group (default {@link #DEFAULT_GROUP_BY})
         * @return this
         */
        public Builder groupBy(List<String> labels) {
            this.groupBy = labels == null ? null : new ArrayList<>(labels);
            return this;
        }

        /**
         * Sets how long a new group waits before its first notification, so alerts that start
         * together are sent together (and an inhibiting alert has time to arrive).
         *
         * @param wait zero to 1 h (default {@link #DEFAULT_GROUP_WAIT})
         * @return this
         */
        public Builder groupWait(Duration wait) {
            this.groupWait = wait;
            return this;
        }

        /**
         * Sets how long a group that was notified waits before a notification about alerts added to
         * it or resolved; the repeat of an unchanged group is checked at the same pace.
         *
         * @param interval zero (every change at once) to 24 h (default {@link #DEFAULT_GROUP_INTERVAL})
         * @return this
         */
        public Builder groupInterval(Duration interval) {
            this.groupInterval = interval;
            return this;
        }

        /**
         * Pings (POSTs to) a dead man's switch after evaluations, at most every heartbeat
         * interval, so that someone else notices when this process stops evaluating.
         *
         * @param url an absolute http(s) URL, or null for none (the default)
         * @return this
         */
        public Builder heartbeatUrl(URI url) {
            if (url != null) {
                WebhookNotifier.requireHttp(url, "heartbeatUrl (ALERT_HEARTBEAT_URL)");
            }
            this.heartbeatUrl = url;
            return this;
        }

        /**
         * Sets how often at most the dead man's switch is pinged.
         *
         * @param interval at least 1 s (default {@link #DEFAULT_HEARTBEAT_INTERVAL})
         * @return this
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /**
         * Names this replica: the {@code instance} label on every per-instance alert, so a receiver
         * tells replicas apart and one replica's resolve never ends another's alert.
         *
         * @param name letters, digits and {@code . _ : -}, at most 128 characters (default
         *        {@code HOSTNAME} when set, else host name and process id)
         * @return this
         */
        public Builder instance(String name) {
            this.instance = name;
            return this;
        }

        /**
         * Sets the longest wait for the signals of one evaluation; a signal (a health check waiting
         * for a database connection...) that has not answered by then counts as unknown for this
         * evaluation, and evaluation goes on without it.
         *
         * @param timeout at least 1 ms (default {@link #DEFAULT_SIGNAL_TIMEOUT})
         * @return this
         */
        public Builder signalTimeout(Duration timeout) {
            this.signalTimeout = timeout;
            return this;
        }

        /**
         * Adds a notifier (several allowed; their names must differ, they label the metrics).
         *
         * @param notifier where notifications go
         * @return this
         */
        public Builder notifier(Notifier notifier) {
            notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        /**
         * Replaces the notifiers.
         *
         * @param all the notifiers, possibly none
         * @return this
         */
        public Builder notifiers(List<Notifier> all) {
            notifiers.clear();
            all.forEach(this::notifier);
            return this;
        }

        /**
         * Sets the evaluation period.
         *
         * @param interval at least 100 ms (default {@link #DEFAULT_EVALUATION_INTERVAL})
         * @return this
         */
        public Builder evaluationInterval(Duration interval) {
            this.evaluationInterval = interval;
            return this;
        }

        /**
         * Sets after how long a group that still fires unchanged is notified again (for
         * Alertmanager, which is not grouped: an alert).
         *
         * @param interval at least 1 s (default {@link #DEFAULT_REPEAT_INTERVAL})
         * @return this
         */
        public Builder repeatInterval(Duration interval) {
            this.repeatInterval = interval;
            return this;
        }

        /**
         * Sets how long resolved alerts stay listed.
         *
         * @param retention zero or more (default {@link #DEFAULT_RESOLVED_RETENTION})
         * @return this
         */
        public Builder resolvedRetention(Duration retention) {
            this.resolvedRetention = retention;
            return this;
        }

        /**
         * Sets how many notification groups may wait per notifier.
         *
         * @param groups at least 1 (default {@link #DEFAULT_QUEUE_CAPACITY})
         * @return this
         */
        public Builder queueCapacity(int groups) {
            this.queueCapacity = groups;
            return this;
        }

        /**
         * Sets the delivery attempts per notification group.
         *
         * @param attempts at least 1 (default {@link #DEFAULT_MAX_ATTEMPTS})
         * @return this
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Sets the first retry backoff.
         *
         * @param backoff at least 1 ms (default {@link #DEFAULT_INITIAL_BACKOFF})
         * @return this
         */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = backoff;
            return this;
        }

        /**
         * Sets the retry backoff cap.
         *
         * @param backoff at least the initial backoff (default {@link #DEFAULT_MAX_BACKOFF})
         * @return this
         */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = backoff;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting, its variable, the value and the range
         */
        public AlertingSettings build() {
            atLeast("evaluationInterval (ALERT_EVALUATION_INTERVAL_SECONDS)", evaluationInterval, MIN_EVALUATION_INTERVAL);
            atLeast("repeatInterval (ALERT_REPEAT_INTERVAL_MINUTES)", repeatInterval, MIN_REPEAT_INTERVAL);
            atLeast("resolvedRetention (ALERT_RESOLVED_RETENTION_MINUTES)", resolvedRetention, Duration.ZERO);
            atLeast("initialBackoff (ALERT_RETRY_INITIAL_BACKOFF_MS)", initialBackoff, Duration.ofMillis(1));
            atLeast("maxBackoff (ALERT_RETRY_MAX_BACKOFF_MS)", maxBackoff, initialBackoff);
            atLeast("signalTimeout (ALERT_SIGNAL_TIMEOUT_MS)", signalTimeout, Duration.ofMillis(1));
            atLeast("heartbeatInterval (ALERT_HEARTBEAT_INTERVAL_SECONDS)", heartbeatInterval, Duration.ofSeconds(1));
            within("groupWait (ALERT_GROUP_WAIT_SECONDS)", groupWait, MAX_GROUP_WAIT);
            within("groupInterval (ALERT_GROUP_INTERVAL_SECONDS)", groupInterval, MAX_GROUP_INTERVAL);
            within("testAlertMinInterval (ALERT_TEST_MIN_INTERVAL_SECONDS)", testAlertMinInterval,
                    MAX_TEST_ALERT_MIN_INTERVAL);
            validateGroupBy(groupBy);
            if (instance != null && !instance.matches("[A-Za-z0-9._:-]{1,128}")) {
                throw new IllegalArgumentException("instance (ALERT_INSTANCE) must be 1 to 128 letters, digits and "
                        + "'.', '_', ':', '-', got '" + instance + "'");
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity (ALERT_QUEUE_CAPACITY) must be at least 1, got "
                        + queueCapacity);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts (ALERT_RETRY_ATTEMPTS) must be at least 1, got "
                        + maxAttempts);
            }
            Set<String> names = new HashSet<>();
            for (Notifier n : notifiers) {
                if (!names.add(n.name())) {
                    throw new IllegalArgumentException("two notifiers are named '" + n.name()
                            + "'; names label their metrics, so give each a distinct name");
                }
            }
            return new AlertingSettings(this);
        }

        private static void within(String what, Duration value, Duration max) {
            if (value == null || value.isNegative() || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be from 0 s to " + max.toSeconds() + " s, got "
                        + (value == null ? null : value.toSeconds() + " s"));
            }
        }

        private static void validateGroupBy(List<String> labels) {
            String what = "groupBy (ALERT_GROUP_BY)";
            if (labels == null) {
                throw new IllegalArgumentException(what + " must be a list of label names, '...' or empty, got null");
            }
            Set<String> seen = new HashSet<>();
            for (String label : labels) {
                if (GROUP_BY_ALL.equals(label)) {
                    if (labels.size() != 1) {
                        throw new IllegalArgumentException(what + ": '...' (every label) must stand alone, got "
                                + labels);
                    }
                } else if (label == null || !label.matches("[a-zA-Z_][a-zA-Z0-9_]{0,99}")) {
                    throw new IllegalArgumentException(what + ": '" + label + "' is not a label name (letters, digits "
                            + "and '_', not starting with a digit); write names separated by commas, '...' for every "
                            + "label or '[]' for one group");
                } else if (!seen.add(label)) {
                    throw new IllegalArgumentException(what + ": label '" + label + "' is listed twice");
                }
            }
        }

        private static void atLeast(String what, Duration value, Duration min) {
            if (value == null || value.compareTo(min) < 0) {
                throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
            }
        }
    }
}
