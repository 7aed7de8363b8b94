package dev.bulwark.alerting;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.alerting.internal.Delivery;
import dev.bulwark.alerting.internal.Grouper;
import dev.bulwark.alerting.internal.Payloads;
import dev.bulwark.alerting.internal.PostgresLeader;
import dev.bulwark.alerting.internal.StateStore;
import dev.bulwark.core.internal.Sha256;
import dev.bulwark.core.internal.Threads;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates {@link AlertRule}s on a schedule, keeps each alert's state (inactive → pending →
 * firing → resolved), and hands state changes to every {@link Notifier} through its own
 * asynchronous, retrying delivery. A firing alert is notified again only after the repeat
 * interval; resolution is notified. A rule whose signal cannot be read raises a visible
 * {@code RuleEvaluationFailed} alert instead of being skipped. The
 * {@linkplain Notifier#grouped() grouped} notifiers (webhook, Slack, e-mail) get one
 * {@link NotificationGroup} per group with Alertmanager's timers
 * ({@link AlertingSettings#groupBy()}, {@link AlertingSettings#groupWait()},
 * {@link AlertingSettings#groupInterval()}, {@link AlertingSettings#repeatInterval()}).
 *
 * <p>Every alert of a per-instance rule carries this replica's {@code instance} label
 * ({@link AlertingSettings#instance()}), so replicas never send one label set for different
 * observations. Signals are read on reader threads (made by the builder's thread factory) with a
 * timeout, never under the lock that the gauges and {@link #activeAlerts()} take.
 *
 * <pre>{@code
 * AlertingSettings settings = AlertingSettings.builder()
 *     .notifier(new WebhookNotifier(URI.create("https://hooks.example/alerts"), secret))
 *     .build();
 * AlertEngine alerts = AlertEngine.builder(metrics).settings(settings).healthChecks(health)
 *     .rules(RulePack.dbPoolExhausted("bulwark").build(), RulePack.backendDown("bulwark.pool.bulwark").build())
 *     .build();
 * alerts.start();                       // evaluates every 15 s
 * List<Alert> active = alerts.activeAlerts();
 * }</pre>
 *
 * <p>Own metrics: {@code bulwark.alerting.evaluations}, {@code bulwark.alerting.evaluation.time},
 * {@code bulwark.alerting.alerts.firing}, {@code bulwark.alerting.alerts.pending},
 * {@code bulwark.alerting.queue.depth}, and per notifier
 * {@code bulwark.alerting.notifications.{sent,failed,retried,dropped}.<notifier>}.
 */
public final class AlertEngine implements AutoCloseable {

    /** The longest a silence may last: 90 days. */
    public static final Duration MAX_SILENCE = Duration.ofDays(90);
    /** At most this many silences may be in force at once ({@link #silence} refuses more). */
    public static final int MAX_SILENCES = 1_000;
    /** A silence that ended is deleted from the store this long after its end. */
    public static final Duration SILENCE_RETENTION = Duration.ofDays(1);
    /**
     * The silences are read in full at least this often even when the version token did not change
     * (a silence written by a replica of an older version, or edited by hand, is found within it).
     */
    static final Duration SILENCE_FULL_READ_INTERVAL = Duration.ofMinutes(5);
    /**
     * The saved state of a replica not saved for this long is deleted by any other replica: 7 days.
     * Replica names change with every deployment (pod names), so without it the state of every
     * replica that ever ran would stay in the database. A live replica saves its state at least
     * daily ({@link #STATE_REFRESH}), so only replicas that are gone lose theirs.
     */
    public static final Duration INSTANCE_STATE_RETENTION = Duration.ofDays(7);
    /** A replica saves its state at least this often, changed or not, to show it is alive. */
    static final Duration STATE_REFRESH = Duration.ofDays(1);
    /** How often a replica deletes the state of replicas gone longer than the retention. */
    static final Duration STALE_STATE_SWEEP = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    static final String EVALUATION_FAILED = "RuleEvaluationFailed";
    static final String TEST_ALERT = "BulwarkTestAlert";
    /** The test alert's annotation naming the silences it bypassed (absent when none matched). */
    public static final String TEST_ALERT_SILENCES = "bypassed_silences";

    private final MetricRegistry metrics;
    private final HealthCheckRegistry health;
    private final Clock clock;
    private final String instance;
    private final List<Tracked> tracked = new ArrayList<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    /** The grouped notifiers' aggregation groups (webhook, Slack, e-mail...), by delivery. */
    private final Map<Delivery, Grouper> groupers = new java.util.IdentityHashMap<>();
    private final Map<Delivery, Instant> lastResend = new HashMap<>();
    private final Duration evaluationInterval;
    private final Duration repeatInterval;
    private final Duration resolvedRetention;
    private final Duration signalTimeout;
    private final Counter evaluations;
    private final Timer evaluationTime;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor signalReaders;
    /** Guards the alert states; private, held only to apply readings (never while a signal is read). */
    private final Object stateLock = new Object();
    /** Serialises evaluations (the scheduler's and direct calls); never taken by readers of state. */
    private final Object evaluationLock = new Object();
    private final StateStore store;
    private final PostgresLeader leader;
    private final String leaderLock;
    private final ExecutorService persister;
    /** The silence read in flight or done last: one at a time, whoever waits for it. */
    private volatile Future<?> silenceRead;
    private final Object silenceReadLock = new Object();
    /** The store's silence version at the last full read of the silences; null before the first. */
    private volatile String silenceVersion;
    /** When the silences were last read in full; null before the first. */
    private volatile Instant lastFullSilenceRead;
    /** Silences this engine saved; a full read that overlaps one is not applied (it may predate it). */
    private final java.util.concurrent.atomic.AtomicLong silenceWrites = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicReference<String[]> toSave = new AtomicReference<>();
    private volatile boolean leading;
    private volatile boolean dirty;
    /** When the state was last handed to the persister; null before the first. Evaluation thread only. */
    private Instant lastPersist;
    /** When the persister last deleted gone replicas' state; null before the first. Persister thread only. */
    private Instant lastSweep;
    private Future<Boolean> leaderCheck;
    /** The test alert sent last and not resolved yet, with when. Guarded by {@link #stateLock}. */
    private Alert testAlert;
    /** When the last test alert was sent; null before the first. Guarded by {@link #stateLock}. */
    private Instant lastTestAlertSent;
    private final Duration testAlertMinInterval;
    private final java.net.URI heartbeatUrl;
    private final Duration heartbeatInterval;
    private final java.net.http.HttpClient heartbeatClient;
    private Instant lastHeartbeat;
    private final List<InhibitRule> inhibitRules;
    /** Silences known here (own and, with a database, every replica's). Guarded by {@link #stateLock}. */
    private final Map<String, Silence> silences = new LinkedHashMap<>();
    /** Firing alerts whose notification a silence or an inhibition held back. Guarded by {@link #stateLock}. */
    private final java.util.Set<String> mutedFiring = new java.util.HashSet<>();
    private final Counter muted;

    /** When the last evaluation began; null before the first. */
    private volatile Instant lastEvaluation;
    /** When {@link #start()} was called; null when the engine is evaluated by its caller only. */
    private volatile Instant startedAt;
    /** Guards {@link #start()} and {@link #close()}: each acts once. */
    private final Object lifecycleLock = new Object();
    private boolean closed;

    /** The name under which the engine registers {@link #healthCheck()} in the builder's registry. */
    public static final String HEALTH_CHECK_NAME = "bulwark.alerting";

    private AlertEngine(Builder b) {
        AlertingSettings settings = b.settings;
        this.metrics = b.metrics;
        this.health = b.health;
        this.clock = b.clock;
        this.instance = settings.instance();
        this.evaluationInterval = settings.evaluationInterval();
        this.repeatInterval = settings.repeatInterval();
        this.resolvedRetention = settings.resolvedRetention();
        this.signalTimeout = settings.signalTimeout();
        this.inhibitRules = List.copyOf(b.inhibitRules);
        this.muted = metrics.counter("bulwark.alerting.notifications.muted");
        this.testAlertMinInterval = settings.testAlertMinInterval();
        this.heartbeatUrl = settings.heartbeatUrl();
        this.heartbeatInterval = settings.heartbeatInterval();
        this.heartbeatClient = heartbeatUrl == null ? null : java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.store = b.dataSource != null ? StateStore.jdbc(b.dataSource)
                : b.stateDirectory != null ? StateStore.files(b.stateDirectory) : null;
        this.leaderLock = b.leaderLock;
        this.leader = b.dataSource != null && b.election ? new PostgresLeader(b.dataSource, b.leaderLock,
                leaderIdleTimeout(evaluationInterval, signalTimeout)) : null;
        for (AlertRule rule : b.rules) {
            boolean elected = leader != null && rule.clusterScoped();
            tracked.add(new Tracked(rule, elected ? rule.labels() : withInstance(rule.labels()), elected));
        }
        for (Notifier n : settings.notifiers()) {
            Delivery d = new Delivery(n, metrics, settings.queueCapacity(), settings.maxAttempts(),
                    settings.initialBackoff(), settings.maxBackoff(),
                    b.threadFactory != null ? b.threadFactory : Threads.daemon("bulwark-alert-" + n.name()));
            deliveries.add(d);
            if (n.grouped()) {
                groupers.put(d, new Grouper(settings.groupBy(), settings.groupWait(), settings.groupInterval(),
                        settings.repeatInterval()));
            }
        }
        this.evaluations = metrics.counter("bulwark.alerting.evaluations");
        this.evaluationTime = metrics.timer("bulwark.alerting.evaluation.time");
        metrics.register("bulwark.alerting.alerts.firing", (Gauge<Long>) () -> count(AlertState.FIRING));
        metrics.register("bulwark.alerting.alerts.pending", (Gauge<Long>) () -> count(AlertState.PENDING));
        if (health != null) {
            health.register(HEALTH_CHECK_NAME, healthCheck());
        }
        metrics.register("bulwark.alerting.queue.depth",
                (Gauge<Integer>) () -> deliveries.stream().mapToInt(Delivery::queued).sum());
        // Two threads: evaluation, and the group timers, which a slow evaluation must not hold up.
        this.scheduler = Executors.newScheduledThreadPool(2,
                b.threadFactory != null ? b.threadFactory : Threads.daemon("bulwark-alert-evaluation"));
        // A signal still being read is not read again, so even when every health check hangs the
        // readers stay bounded by the number of rules; idle readers end after 30 s.
        this.signalReaders = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), b.threadFactory != null ? b.threadFactory : Threads.daemon("bulwark-alert-signal"));
        this.persister = store == null ? null : new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(),
                b.threadFactory != null ? b.threadFactory : Threads.daemon("bulwark-alert-state"));
        if (leader != null) {
            metrics.register("bulwark.alerting.leader", (Gauge<Integer>) () -> leading ? 1 : 0);
        }
        for (Delivery d : deliveries) {
            d.onChange(() -> dirty = true);
        }
        restoreInstanceState();
    }

    private String instanceKey() {
        return "instance:" + instance;
    }

    private String clusterKey() {
        return "cluster:" + leaderLock;
    }

    /** Loads this instance's alert states and undelivered resolves saved before a restart. */
    private void restoreInstanceState() {
        if (store == null) {
            return;
        }
        try {
            Optional<String> saved = store.load(instanceKey());
            if (saved.isEmpty()) {
                return;
            }
            JsonNode root = Payloads.JSON.readTree(saved.get());
            int restored = restoreAlerts(root.path("alerts"), false);
            int resolves = 0;
            int grouped = 0;
            for (Delivery d : deliveries) {
                List<Notification> again = new ArrayList<>();
                for (JsonNode n : root.path("undelivered").path(d.notifier().name())) {
                    again.add(new Notification(Payloads.alertFromJson(n), Notification.Kind.RESOLVED));
                }
                Grouper grouper = groupers.get(d);
                if (grouper != null) {
                    grouped += grouper.restore(root.path("groups").path(d.notifier().name()), clock.instant());
                }
                if (!again.isEmpty()) {
                    submitNow(d, again);
                    resolves += again.size();
                }
            }
            LOG.info("Alert state restored: {} alert(s), {} undelivered resolve(s), {} alert(s) in notification groups",
                    restored, resolves, grouped);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("Alert state not restored (starting fresh): {}", e.toString());
        }
    }

    private int restoreAlerts(JsonNode alerts, boolean cluster) {
        Map<String, JsonNode> byFingerprint = new HashMap<>();
        for (JsonNode a : alerts) {
            byFingerprint.put(a.path("fingerprint").asText(), a);
        }
        int restored = 0;
        synchronized (stateLock) {
            for (Tracked t : tracked) {
                JsonNode a = byFingerprint.get(t.fingerprint);
                if (a != null && t.cluster == cluster) {
                    t.restore(a);
                    restored++;
                }
            }
        }
        return restored;
    }

    private Map<String, String> withInstance(Map<String, String> labels) {
        Map<String, String> out = new LinkedHashMap<>(labels);
        out.put("instance", instance);
        return out;
    }

    /**
     * A builder over the service's metric registry, with {@link AlertingSettings#defaults()}.
     *
     * @param metrics where rules read metrics and the engine registers its own
     * @return the builder
     */
    public static Builder builder(MetricRegistry metrics) {
        return new Builder(metrics);
    }

    /**
     * An engine with these settings and rules, not started; for health-check signals, a clock or
     * a thread factory use {@link #builder(MetricRegistry)}.
     *
     * @param settings notifiers, timing and delivery policy
     * @param metrics where rules read metrics and the engine registers its own
     * @param rules the rules to evaluate
     * @return the engine
     * @throws IllegalArgumentException when two rules have the same name and labels
     */
    public static AlertEngine create(AlertingSettings settings, MetricRegistry metrics, List<AlertRule> rules) {
        return builder(metrics).settings(settings).rules(rules).build();
    }

    /** The {@code instance} label this engine puts on its per-instance alerts. */
    public String instance() {
        return instance;
    }

    /**
     * The engine's own health: unhealthy when, after {@link #start()}, no evaluation has begun for
     * three evaluation intervals plus the signal timeout, and at least 30 s (the evaluation thread is
     * stuck or dead, so no alert can fire; one slow evaluation on a busy machine is not that);
     * healthy otherwise, with the number of firing alerts. Registered as
     * {@value #HEALTH_CHECK_NAME} in the builder's {@link Builder#healthChecks} registry and removed
     * on {@link #close()}.
     *
     * @return a health check for the service's registry
     */
    public HealthCheck healthCheck() {
        return new HealthCheck() {
            @Override
            protected Result check() {
                Instant started = startedAt;
                if (started == null) {
                    return Result.healthy("not started: evaluated by its caller");
                }
                Instant last = lastEvaluation;
                Instant since = last == null || last.isBefore(started) ? started : last;
                Duration quiet = Duration.between(since, clock.instant());
                if (quiet.compareTo(stallLimit()) > 0) {
                    return Result.unhealthy("no evaluation for %s s (interval %s s): alerts cannot fire",
                            quiet.toSeconds(), evaluationInterval.toSeconds());
                }
                return Result.healthy("%d firing; last evaluation at %s", count(AlertState.FIRING), since);
            }
        };
    }

    /** How long without a new evaluation means the evaluation has stopped. */
    private Duration stallLimit() {
        Duration limit = evaluationInterval.multipliedBy(3).plus(signalTimeout);
        return limit.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : limit;
    }

    /**
     * How long the leader's lock session may stay unused before the server ends it: two
     * evaluations (each touches it) plus a slow signal, at least 30 s so that a caller evaluating
     * by hand does not lose the lead between calls.
     */
    static Duration leaderIdleTimeout(Duration interval, Duration signalTimeout) {
        Duration d = interval.multipliedBy(2).plus(signalTimeout);
        return d.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : d;
    }

    /**
     * Evaluates every {@link AlertingSettings#evaluationInterval()} on a background thread, and
     * checks the notification groups' timers every second on another. Idempotent: a second call
     * does nothing (so a container may call it after {@link Builder#start()}).
     *
     * @throws IllegalStateException when the engine is closed
     */
    public void start() {
        synchronized (lifecycleLock) {
            if (closed) {
                throw new IllegalStateException("the alert engine is closed: build a new one to evaluate again");
            }
            if (startedAt != null) {
                return;
            }
            startedAt = clock.instant();
        }
        long every = evaluationInterval.toMillis();
        scheduler.scheduleAtFixedRate(() -> {
            try {
                evaluate();
            } catch (RuntimeException e) {
                LOG.error("Alert evaluation failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        if (!groupers.isEmpty()) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    flushGroups(clock.instant());
                } catch (RuntimeException e) {
                    LOG.error("Alert notification groups not flushed", e);
                }
            }, GROUP_TICK.toMillis(), GROUP_TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** How often a started engine checks the group timers (besides at the end of every evaluation). */
    static final Duration GROUP_TICK = Duration.ofSeconds(1);

    /**
     * Sends the notifications of every group whose {@code group_wait} or {@code group_interval}
     * is over (Alertmanager's flush); silences and inhibition apply as they are now.
     */
    private void flushGroups(Instant now) {
        if (groupers.isEmpty()) {
            return;
        }
        java.util.function.Predicate<Map<String, String>> mutedNow = mutedNow(now);
        int flushed = 0;
        for (Delivery d : deliveries) {
            Grouper grouper = groupers.get(d);
            if (grouper != null) {
                flushed += grouper.flushDue(now, mutedNow, d::submit);
            }
        }
        if (flushed > 0) {
            dirty = true;
        }
    }

    /** Whether labels are silenced or inhibited now, as a snapshot taken under the state lock. */
    private java.util.function.Predicate<Map<String, String>> mutedNow(Instant now) {
        synchronized (stateLock) {
            if (silences.isEmpty() && inhibitRules.isEmpty()) {
                return labels -> false;
            }
            List<Silence> active = silences.values().stream().filter(s -> s.activeAt(now)).toList();
            List<Map<String, String>> firing = new ArrayList<>();
            for (Tracked t : tracked) {
                if (t.state == AlertState.FIRING) {
                    firing.add(t.labels);
                }
            }
            List<InhibitRule> rules = inhibitRules;
            return labels -> muted(labels, active, now, rules, firing);
        }
    }

    /** Queues notifications past the group timers: one notification per group for a grouped notifier. */
    private boolean submitNow(Delivery d, List<Notification> notifications) {
        Grouper grouper = groupers.get(d);
        if (grouper == null) {
            return d.submit(notifications);
        }
        boolean all = true;
        for (NotificationGroup g : grouper.immediate(notifications)) {
            all &= d.submit(g);
        }
        return all;
    }

    /**
     * One evaluation of every rule now; state changes are queued for delivery (never sent here).
     * Signals are read off the engine's lock, each waited for at most
     * {@link AlertingSettings#signalTimeout()}: one that does not answer is unknown for this
     * evaluation, and its alert keeps its state.
     *
     * @return the notifications this evaluation produced
     */
    public List<Notification> evaluate() {
        synchronized (evaluationLock) {
            Timer.Context timing = evaluationTime.time();
            Instant now = clock.instant();
            List<Notification> changes = new ArrayList<>();
            try {
                updateLeadership();
                Reading[] readings = readSignals(now);
                synchronized (stateLock) {
                    for (int i = 0; i < tracked.size(); i++) {
                        if (readings[i] != null) {
                            tracked.get(i).apply(readings[i], now, changes);
                        }
                    }
                }
            } finally {
                timing.stop();
            }
            evaluations.inc();
            lastEvaluation = now;
            refreshSilences();
            List<Notification> direct = mute(changes, now);
            for (Delivery d : deliveries) {
                List<Notification> group = d.notifier().routesItself() ? changes : direct;
                Grouper grouper = groupers.get(d);
                if (grouper != null) {
                    grouper.add(group, now);
                } else if (!group.isEmpty()) {
                    d.submit(group);
                }
            }
            flushGroups(now);
            resendFiring(now);
            resolveTestAlert(now);
            heartbeat(now);
            if (store != null && (lastPersist == null || !now.isBefore(lastPersist.plus(STATE_REFRESH)))) {
                dirty = true; // saved at least daily, changed or not, so no other replica takes it for gone
            }
            if (dirty) {
                dirty = false;
                lastPersist = now;
                persist();
            }
            return changes;
        }
    }

    /**
     * What the direct notifiers get of this evaluation's notifications: a firing alert that a
     * silence or an inhibition mutes is held back (and notified once it no longer is, if it still
     * fires); the resolve of an episode that was never notified is held back too.
     */
    private List<Notification> mute(List<Notification> changes, Instant now) {
        synchronized (stateLock) {
            if (silences.isEmpty() && inhibitRules.isEmpty() && mutedFiring.isEmpty()) {
                return changes;
            }
            List<Map<String, String>> firing = new ArrayList<>();
            for (Tracked t : tracked) {
                if (t.state == AlertState.FIRING) {
                    firing.add(t.labels);
                }
            }
            List<Notification> out = new ArrayList<>();
            java.util.Set<String> changed = new java.util.HashSet<>();
            for (Notification n : changes) {
                String f = n.alert().fingerprint();
                changed.add(f);
                if (n.kind() == Notification.Kind.RESOLVED) {
                    if (!mutedFiring.remove(f)) {
                        out.add(n);
                    }
                } else if (muted(n.alert().labels(), firing, now)) {
                    mutedFiring.add(f);
                    muted.inc();
                } else {
                    mutedFiring.remove(f);
                    out.add(n);
                }
            }
            for (Tracked t : tracked) {
                if (t.state == AlertState.FIRING && !changed.contains(t.fingerprint) && mutedFiring.contains(t.fingerprint)
                        && !muted(t.labels, firing, now)) {
                    mutedFiring.remove(t.fingerprint);
                    out.add(new Notification(t.alert(), Notification.Kind.FIRING));
                }
            }
            return out;
        }
    }

    private boolean muted(Map<String, String> labels, List<Map<String, String>> firing, Instant now) {
        return muted(labels, silences.values(), now, inhibitRules, firing);
    }

    /** Whether a silence active at {@code now} matches the labels or a firing alert inhibits them. */
    private static boolean muted(Map<String, String> labels, java.util.Collection<Silence> silences, Instant now,
            List<InhibitRule> rules, List<Map<String, String>> firing) {
        for (Silence s : silences) {
            if (s.activeAt(now) && s.matches(labels)) {
                return true;
            }
        }
        for (InhibitRule rule : rules) {
            for (Map<String, String> source : firing) {
                if (rule.mutes(source, labels)) {
                    return true;
                }
            }
        }
        return false;
    }

    private String silencePrefix() {
        return "silence:" + leaderLock + ":";
    }

    /** The key of the token that changes whenever any replica saves a silence. */
    private String silenceVersionKey() {
        return "silences-version:" + leaderLock;
    }

    /**
     * Brings the silences every replica saved (a shared database makes them fleet-wide) up to date,
     * off the calling thread and for at most the signal timeout: with the database down or its pool
     * exhausted, evaluation and {@link #silences()} go on with the silences known so far, and a read
     * still running is waited for rather than started again. Cheap for a fleet: each refresh reads
     * one version row, and the silences themselves only when it changed (or
     * {@link #SILENCE_FULL_READ_INTERVAL} after the last full read). A silence stops applying at its
     * end by the engine's clock, whether or not anything was read.
     */
    private void refreshSilences() {
        if (store == null) {
            return;
        }
        Future<?> read;
        synchronized (silenceReadLock) {
            read = silenceRead;
            if (read == null || read.isDone()) {
                read = signalReaders.submit(this::readSilences);
                silenceRead = read;
            }
        }
        try {
            read.get(signalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("Silences not refreshed within {} ms (the known ones stay in force)", signalTimeout.toMillis());
            // the read goes on; the next refresh waits for it rather than queueing another
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("Silences not refreshed (the known ones stay in force): {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On a reader thread: reads the version token, and every saved silence only when the token
     * changed since the last full read (the token is read first and every writer saves its silence
     * before a new token, so a change is never missed, at worst read twice). Applies what it read
     * itself, so a read the caller stopped waiting for still counts. Silences that ended more than
     * {@link #SILENCE_RETENTION} ago are deleted from the store.
     */
    private void readSilences() {
        Instant now = clock.instant();
        String version = store.load(silenceVersionKey()).orElse("");
        if (version.equals(silenceVersion) && lastFullSilenceRead != null
                && Duration.between(lastFullSilenceRead, now).compareTo(SILENCE_FULL_READ_INTERVAL) < 0) {
            synchronized (stateLock) {
                silences.values().removeIf(s -> !now.isBefore(s.endsAt()));
            }
            return;
        }
        long writesBefore = silenceWrites.get();
        Map<String, String> saved = store.loadAll(silencePrefix());
        List<String> stale = new ArrayList<>();
        synchronized (stateLock) {
            if (silenceWrites.get() != writesBefore) {
                return; // this engine saved a silence meanwhile: what was read may predate it; read again next time
            }
            // The store is the truth: a silence whose row is gone (deleted by hand, an older dump
            // restored) stops muting here too, as on a replica that starts now.
            Map<String, Silence> live = new LinkedHashMap<>();
            for (Map.Entry<String, String> saving : saved.entrySet()) {
                try {
                    Silence s = silenceFromJson(Payloads.JSON.readTree(saving.getValue()));
                    if (now.isBefore(s.endsAt())) {
                        live.put(s.id(), s);
                    } else if (s.endsAt().plus(SILENCE_RETENTION).isBefore(now)) {
                        stale.add(silencePrefix() + s.id());
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.warn("A saved silence cannot be read: {}", e.toString());
                }
            }
            silences.keySet().retainAll(live.keySet());
            silences.putAll(live);
        }
        silenceVersion = version;
        lastFullSilenceRead = now;
        for (String key : stale) {
            try {
                store.delete(key);
            } catch (RuntimeException e) {
                LOG.warn("An expired silence was not deleted (tried again later): {}", e.toString());
                return;
            }
        }
    }

    /**
     * Silences the alerts whose labels equal every matcher until {@code endsAt}, for the direct
     * notifiers (Alertmanager has its own silences). Saved in the engine's database or state
     * directory, so it holds on every replica sharing the database and across restarts.
     *
     * @param matchers label name to value, at least one (e.g. {@code alertname=DbPoolExhausted})
     * @param endsAt when it expires: after now, at most {@link #MAX_SILENCE} ahead
     * @param createdBy who asks (for the audit trail)
     * @param comment why
     * @return the silence
     * @throws IllegalArgumentException naming the problem when a matcher or the expiry is invalid
     * @throws IllegalStateException when {@link #MAX_SILENCES} silences are in force already
     */
    public Silence silence(Map<String, String> matchers, Instant endsAt, String createdBy, String comment) {
        Objects.requireNonNull(matchers, "matchers");
        Objects.requireNonNull(endsAt, "endsAt");
        Instant now = clock.instant();
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one label matcher, e.g. alertname=DbPoolExhausted");
        }
        for (Map.Entry<String, String> m : matchers.entrySet()) {
            if (m.getKey() == null || !m.getKey().matches("[a-zA-Z_][a-zA-Z0-9_]{0,99}") || m.getValue() == null
                    || m.getValue().isEmpty() || m.getValue().length() > 200) {
                throw new IllegalArgumentException("silence matcher '" + m.getKey() + "' needs a label name of letters, "
                        + "digits and '_' and a value of 1 to 200 characters");
            }
        }
        refreshSilences();
        synchronized (stateLock) {
            long inForce = silences.values().stream().filter(x -> now.isBefore(x.endsAt())).count();
            if (inForce >= MAX_SILENCES) {
                throw new IllegalStateException("already " + inForce + " silences in force, the most there may be ("
                        + MAX_SILENCES + "): expire some, or use one silence with fewer matchers");
            }
        }
        if (!endsAt.isAfter(now) || endsAt.isAfter(now.plus(MAX_SILENCE))) {
            throw new IllegalArgumentException("silence endsAt must be after now and at most " + MAX_SILENCE.toDays()
                    + " days ahead, got " + endsAt);
        }
        Silence s = new Silence(java.util.UUID.randomUUID().toString(), matchers, now, endsAt,
                createdBy == null ? "" : createdBy.substring(0, Math.min(100, createdBy.length())),
                comment == null ? "" : comment.substring(0, Math.min(500, comment.length())));
        saveSilence(s);
        LOG.info("Silence {} by {} until {}: {}", s.id(), s.createdBy(), s.endsAt(), s.matchers());
        return s;
    }

    /**
     * Ends a silence now.
     *
     * @param id the silence's id
     * @return false when no such silence is in force
     */
    public boolean expireSilence(String id) {
        Silence s;
        Instant now = clock.instant();
        refreshSilences();
        synchronized (stateLock) {
            s = silences.get(id);
        }
        if (s == null || !now.isBefore(s.endsAt())) {
            return false;
        }
        saveSilence(new Silence(s.id(), s.matchers(), s.startsAt(), now, s.createdBy(), s.comment()));
        LOG.info("Silence {} expired", id);
        return true;
    }

    /** The silences in force or starting later, oldest first (fleet-wide with a shared database). */
    public List<Silence> silences() {
        refreshSilences();
        Instant now = clock.instant();
        synchronized (stateLock) {
            return silences.values().stream().filter(s -> now.isBefore(s.endsAt())).toList();
        }
    }

    private void saveSilence(Silence s) {
        if (store != null) {
            ObjectNode o = Payloads.JSON.createObjectNode();
            o.put("id", s.id());
            o.set("matchers", Payloads.JSON.valueToTree(s.matchers()));
            o.put("startsAt", s.startsAt().toString());
            o.put("endsAt", s.endsAt().toString());
            o.put("createdBy", s.createdBy());
            o.put("comment", s.comment());
            store.save(silencePrefix() + s.id(), o.toString());
            // After the silence itself: a replica that sees the new token finds the silence saved.
            store.save(silenceVersionKey(), Payloads.JSON.createObjectNode()
                    .put("version", java.util.UUID.randomUUID().toString()).toString());
        }
        synchronized (stateLock) {
            if (clock.instant().isBefore(s.endsAt())) {
                silences.put(s.id(), s);
            } else {
                silences.remove(s.id());
            }
            silenceWrites.incrementAndGet(); // a full read overlapping this save is not applied over it
        }
    }

    private static Silence silenceFromJson(JsonNode o) {
        Map<String, String> matchers = new LinkedHashMap<>();
        o.path("matchers").properties().forEach(e -> matchers.put(e.getKey(), e.getValue().asText()));
        return new Silence(o.path("id").asText(), matchers, Instant.parse(o.path("startsAt").asText()),
                Instant.parse(o.path("endsAt").asText()), o.path("createdBy").asText(), o.path("comment").asText());
    }

    /** Resolves the test alert at the first evaluation at least one interval after it was sent. */
    private void resolveTestAlert(Instant now) {
        Alert sent;
        synchronized (stateLock) {
            sent = testAlert;
            if (sent == null || Duration.between(sent.firingSince(), now).compareTo(evaluationInterval) < 0) {
                return;
            }
            testAlert = null;
        }
        Alert resolved = new Alert(sent.fingerprint(), sent.name(), sent.severity(), sent.labels(), sent.annotations(),
                AlertState.RESOLVED, sent.value(), sent.activeSince(), sent.firingSince(), now);
        for (Delivery d : deliveries) {
            submitNow(d, List.of(new Notification(resolved, Notification.Kind.RESOLVED)));
        }
    }

    /**
     * After an evaluation, pings the dead man's switch at most every heartbeat interval, off the
     * evaluation thread: a process that stops evaluating stops pinging, and someone else notices.
     */
    private void heartbeat(Instant now) {
        if (heartbeatUrl == null || (lastHeartbeat != null
                && Duration.between(lastHeartbeat, now).compareTo(heartbeatInterval) < 0)) {
            return;
        }
        lastHeartbeat = now;
        java.net.http.HttpRequest ping = java.net.http.HttpRequest.newBuilder(heartbeatUrl).timeout(Duration.ofSeconds(10))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
        heartbeatClient.sendAsync(ping, java.net.http.HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null || r.statusCode() / 100 != 2) {
                metrics.counter("bulwark.alerting.heartbeat.failed").inc();
                LOG.warn("Alert heartbeat to {} failed: {}", heartbeatUrl.getHost(), e != null ? e.toString()
                        : "answered " + r.statusCode());
            } else {
                metrics.counter("bulwark.alerting.heartbeat.sent").inc();
            }
        });
    }

    /**
     * Whether this engine evaluates the cluster-scoped rules now: always without leader election,
     * else while it holds the leader lock.
     *
     * @return true when it evaluates them
     */
    public boolean leader() {
        return leader == null || leading;
    }

    /** Checks the leader lock off every lock, with the signal timeout; takes over or hands over state. */
    private void updateLeadership() {
        if (leader == null) {
            return;
        }
        if (leaderCheck == null || leaderCheck.isDone()) {
            try {
                leaderCheck = signalReaders.submit(leader::check);
            } catch (RejectedExecutionException e) {
                return;
            }
        }
        Boolean now;
        try {
            now = leaderCheck.get(signalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return; // unknown: keep the current role until the check answers
        } catch (ExecutionException e) {
            now = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (now && !leading) {
            try {
                Optional<String> saved = store.load(clusterKey());
                if (saved.isPresent()) {
                    int n = restoreAlerts(Payloads.JSON.readTree(saved.get()).path("alerts"), true);
                    LOG.info("Alert leadership taken over with {} cluster-scoped alert state(s)", n);
                }
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("Cluster-scoped alert state not taken over: {}", e.toString());
            }
            leading = true;
        } else if (!now && leading) {
            java.util.Set<String> dropped = new java.util.HashSet<>();
            synchronized (stateLock) {
                for (Tracked t : tracked) {
                    if (t.cluster) {
                        t.reset();
                        dropped.add(t.fingerprint);
                    }
                }
            }
            groupers.values().forEach(g -> g.forget(dropped));
            leading = false;
            LOG.warn("Alert leadership lost: cluster-scoped rules are left to the new leader");
        }
    }

    /** Saves the state off the evaluation thread; a newer snapshot replaces one not written yet. */
    private void persist() {
        if (store == null) {
            return;
        }
        ObjectNode own = Payloads.JSON.createObjectNode();
        ObjectNode cluster = Payloads.JSON.createObjectNode();
        ArrayNode ownAlerts = own.putArray("alerts");
        ArrayNode clusterAlerts = cluster.putArray("alerts");
        synchronized (stateLock) {
            for (Tracked t : tracked) {
                if (t.state != AlertState.INACTIVE) {
                    (t.cluster ? clusterAlerts : ownAlerts).add(t.toJson());
                }
            }
        }
        ObjectNode undelivered = own.putObject("undelivered");
        for (Delivery d : deliveries) {
            ArrayNode list = undelivered.putArray(d.notifier().name());
            for (Notification n : d.undeliveredResolves()) {
                list.add(Payloads.alertToJson(n.alert()));
            }
        }
        ObjectNode groups = own.putObject("groups");
        for (Delivery d : deliveries) {
            Grouper grouper = groupers.get(d);
            if (grouper != null) {
                groups.set(d.notifier().name(), grouper.toJson());
            }
        }
        boolean saveCluster = leader != null && leading;
        String[] snapshot = {own.toString(), saveCluster ? cluster.toString() : null};
        if (toSave.getAndSet(snapshot) == null) {
            try {
                persister.execute(this::writeSaved);
            } catch (RejectedExecutionException e) {
                toSave.set(null);
            }
        }
    }

    private void writeSaved() {
        String[] snapshot = toSave.getAndSet(null);
        if (snapshot == null) {
            return;
        }
        try {
            store.save(instanceKey(), snapshot[0]);
            if (snapshot[1] != null) {
                store.save(clusterKey(), snapshot[1]);
            }
        } catch (RuntimeException e) {
            dirty = true;
            LOG.warn("Alert state not saved (retried at the next evaluation): {}", e.toString());
            return;
        }
        Instant now = clock.instant();
        if (lastSweep == null || !now.isBefore(lastSweep.plus(STALE_STATE_SWEEP))) {
            lastSweep = now;
            try {
                int deleted = store.deleteOlderThan("instance:", INSTANCE_STATE_RETENTION);
                if (deleted > 0) {
                    LOG.info("Deleted the saved alert state of {} replica(s) not seen for {} days", deleted,
                            INSTANCE_STATE_RETENTION.toDays());
                }
            } catch (RuntimeException e) {
                LOG.warn("Old replicas' alert state not deleted (retried in an hour): {}", e.toString());
            }
        }
    }

    private static void putTime(ObjectNode o, String field, Instant t) {
        if (t != null) {
            o.put(field, t.toString());
        }
    }

    private static Instant time(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }

    /** One signal's outcome: a value, or a problem (failed or did not answer in time). */
    private record Reading(double value, String problem) {
    }

    private Reading[] readSignals(Instant now) {
        int n = tracked.size();
        AtomicReferenceArray<Reading> results = new AtomicReferenceArray<>(n);
        List<Integer> batch = new ArrayList<>();
        List<Integer> alone = new ArrayList<>();
        boolean[] skip = new boolean[n];
        for (int i = 0; i < n; i++) {
            Tracked t = tracked.get(i);
            if (t.cluster && !leading) {
                skip[i] = true;
            } else if (t.reading.get()) {
                results.set(i, new Reading(Double.NaN, "signal " + t.rule.signal().describe()
                        + " has not answered since an earlier evaluation"));
            } else if (t.rule.signal().mayBlock()) {
                alone.add(i);
            } else {
                batch.add(i);
            }
        }
        long deadline = System.nanoTime() + signalTimeout.toNanos();
        CountDownLatch done = new CountDownLatch(alone.size());
        for (int i : alone) {
            submitRead(() -> {
                try {
                    results.set(i, read(tracked.get(i), now));
                } finally {
                    done.countDown();
                }
            }, done);
        }
        // In-memory signals (registry gauges, rates, ratios) are read here, off the state lock and
        // without a thread hand-off; those that may wait on I/O are on reader threads above.
        for (int i : batch) {
            results.set(i, read(tracked.get(i), now));
        }
        try {
            done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reading[] out = new Reading[n];
        for (int i = 0; i < n; i++) {
            if (skip[i]) {
                continue;
            }
            Reading r = results.get(i);
            out[i] = r != null ? r : new Reading(Double.NaN, "signal " + tracked.get(i).rule.signal().describe()
                    + " did not answer within " + signalTimeout.toMillis() + " ms");
        }
        return out;
    }

    private void submitRead(Runnable task, CountDownLatch done) {
        try {
            signalReaders.execute(task);
        } catch (RejectedExecutionException e) {
            done.countDown();
        }
    }

    private Reading read(Tracked t, Instant now) {
        t.reading.set(true);
        try {
            return new Reading(t.rule.signal().read(metrics, health, now), null);
        } catch (RuntimeException e) {
            return new Reading(Double.NaN, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            t.reading.set(false);
        }
    }

    private void resendFiring(Instant now) {
        for (Delivery d : deliveries) {
            Duration every = d.notifier().resendFiring();
            if (every.isZero()) {
                continue;
            }
            Instant last = lastResend.get(d);
            if (last != null && Duration.between(last, now).compareTo(every) < 0) {
                continue;
            }
            lastResend.put(d, now);
            List<Notification> firing = new ArrayList<>();
            synchronized (stateLock) {
                for (Tracked t : tracked) {
                    t.firing(firing);
                }
            }
            if (!firing.isEmpty()) {
                d.submit(firing);
            }
        }
    }

    /** Alerts that are pending, firing, or resolved within the retention, most severe first. */
    public List<Alert> activeAlerts() {
        Instant now = clock.instant();
        List<Alert> out = new ArrayList<>();
        synchronized (stateLock) {
            for (Tracked t : tracked) {
                t.visible(now, out);
            }
        }
        out.sort((a, b) -> a.severity() != b.severity() ? a.severity().compareTo(b.severity())
                : a.name().compareTo(b.name()));
        return out;
    }

    /**
     * Sends a test alert through every notifier (asynchronously, with the usual retries); the
     * first evaluation at least one evaluation interval later sends its resolve, so it never
     * stays firing at the receiver.
     *
     * <p>The test alert proves the delivery path, so it <em>bypasses silences and inhibition</em>:
     * it reaches every notifier even while a silence matches its labels (a maintenance silence on
     * {@code instance}, say). It says so: when silences match it, its {@value #TEST_ALERT_SILENCES}
     * annotation names them and the log line does too. Two things stop it, so that a script or a
     * stolen admin session cannot page on-call in a loop:
     * <ul>
     *   <li>a silence that names it ({@code alertname=BulwarkTestAlert} among its matchers) and
     *       matches it: the test alert is muted and 0 is returned;</li>
     *   <li>another test alert of this engine less than {@link AlertingSettings#testAlertMinInterval()}
     *       ago: {@link TestAlertTooSoonException}, saying when the next one is allowed (each
     *       replica's engine counts its own).</li>
     * </ul>
     *
     * @return the number of notifiers it was queued for; 0 when a silence naming it mutes it
     * @throws TestAlertTooSoonException when the last test alert was sent less than the minimum interval ago
     */
    public int sendTestAlert() {
        refreshSilences();
        Instant now = clock.instant();
        Map<String, String> labels = withInstance(Map.of("alertname", TEST_ALERT, "severity", Severity.INFO.label()));
        List<String> bypassed;
        Alert alert;
        synchronized (stateLock) {
            List<Silence> matching = silences.values().stream().filter(s -> s.activeAt(now) && s.matches(labels))
                    .toList();
            List<String> naming = matching.stream().filter(s -> TEST_ALERT.equals(s.matchers().get("alertname")))
                    .map(Silence::id).toList();
            if (!naming.isEmpty()) {
                muted.inc();
                LOG.info("Test alert not sent: silence {} names it (alertname={})", naming, TEST_ALERT);
                return 0;
            }
            // a clock stepped back (now before the last one) cannot tell the time since: allowed, and
            // counted from now on (review 2026-11-27 A1: refused for the step plus the interval)
            if (lastTestAlertSent != null && !testAlertMinInterval.isZero() && !now.isBefore(lastTestAlertSent)) {
                Instant allowed = lastTestAlertSent.plus(testAlertMinInterval);
                if (now.isBefore(allowed)) {
                    throw new TestAlertTooSoonException(Duration.between(now, allowed), testAlertMinInterval);
                }
            }
            bypassed = matching.stream().map(Silence::id).toList();
            Map<String, String> annotations = new TreeMap<>();
            annotations.put("summary", "Test alert from Bulwark: if you read this, delivery works");
            if (!bypassed.isEmpty()) {
                annotations.put(TEST_ALERT_SILENCES, "sent despite silence " + String.join(", ", bypassed)
                        + ": a test alert bypasses silences to prove delivery");
            }
            alert = new Alert(fingerprint(TEST_ALERT, labels), TEST_ALERT, Severity.INFO, labels,
                    Map.copyOf(annotations), AlertState.FIRING, 1, now, now, null);
            testAlert = alert;
            lastTestAlertSent = now;
        }
        if (!bypassed.isEmpty()) {
            LOG.info("Test alert sent although silence {} matches it (a test alert bypasses silences)", bypassed);
        }
        int queued = 0;
        for (Delivery d : deliveries) {
            if (submitNow(d, List.of(new Notification(alert, Notification.Kind.TEST)))) {
                queued++;
            }
        }
        return queued;
    }

    /** The rules, in configuration order. */
    public List<AlertRule> rules() {
        return tracked.stream().map(t -> t.rule).toList();
    }

    private long count(AlertState state) {
        synchronized (stateLock) {
            return tracked.stream().filter(t -> t.state == state).count()
                    + (state == AlertState.FIRING ? tracked.stream().filter(t -> t.error != null).count() : 0);
        }
    }

    /** Stops evaluating and delivering (the state is saved first where it is kept). Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (health != null) {
            health.unregister(HEALTH_CHECK_NAME);
        }
        scheduler.shutdownNow();
        synchronized (evaluationLock) {
            if (store != null) {
                persist();
                persister.shutdown();
                try {
                    persister.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (leader != null) {
                leader.close();
                metrics.remove("bulwark.alerting.leader");
            }
        }
        signalReaders.shutdownNow();
        deliveries.forEach(Delivery::close);
        metrics.remove("bulwark.alerting.alerts.firing");
        metrics.remove("bulwark.alerting.alerts.pending");
        metrics.remove("bulwark.alerting.queue.depth");
        LOG.info("Alert engine stopped");
    }

    static String fingerprint(String name, Map<String, String> labels) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        new TreeMap<>(labels).forEach((k, v) -> {
            digest.update((byte) 0);
            digest.update(k.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '=');
            digest.update(v.getBytes(StandardCharsets.UTF_8));
        });
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    /** One rule's alert state. */
    private final class Tracked {
        final AlertRule rule;
        final Map<String, String> labels;
        final String fingerprint;
        final boolean cluster;
        /** True while a reader thread is in this rule's signal. */
        final AtomicBoolean reading = new AtomicBoolean();
        AlertState state = AlertState.INACTIVE;
        Instant activeSince;
        Instant firingSince;
        Instant lastTrue;
        Instant resolvedAt;
        Instant lastNotified;
        /** Volatile only so that 64-bit writes are atomic; every access holds {@code stateLock}. */
        volatile double value = Double.NaN;
        volatile boolean unknown;
        String error;
        Instant errorSince;

        Tracked(AlertRule rule, Map<String, String> labels, boolean cluster) {
            this.rule = rule;
            this.labels = Map.copyOf(labels);
            this.fingerprint = fingerprint(rule.name(), labels);
            this.cluster = cluster;
        }

        ObjectNode toJson() {
            ObjectNode o = Payloads.JSON.createObjectNode();
            o.put("fingerprint", fingerprint);
            o.put("name", rule.name());
            o.put("state", state.name());
            putTime(o, "activeSince", activeSince);
            putTime(o, "firingSince", firingSince);
            putTime(o, "lastTrue", lastTrue);
            putTime(o, "resolvedAt", resolvedAt);
            putTime(o, "lastNotified", lastNotified);
            if (Double.isFinite(value)) {
                o.put("value", value);
            }
            return o;
        }

        void restore(JsonNode o) {
            state = AlertState.valueOf(o.path("state").asText());
            activeSince = time(o, "activeSince");
            firingSince = time(o, "firingSince");
            lastTrue = time(o, "lastTrue");
            resolvedAt = time(o, "resolvedAt");
            lastNotified = time(o, "lastNotified");
            value = o.has("value") ? o.get("value").asDouble() : Double.NaN;
            if (state == AlertState.FIRING && (lastTrue == null || lastNotified == null)) {
                lastTrue = lastTrue == null ? firingSince : lastTrue;
                lastNotified = lastNotified == null ? firingSince : lastNotified;
            }
        }

        void reset() {
            state = AlertState.INACTIVE;
            activeSince = null;
            firingSince = null;
            lastTrue = null;
            resolvedAt = null;
            lastNotified = null;
            value = Double.NaN;
            unknown = false;
            error = null;
            errorSince = null;
        }

        void apply(Reading reading, Instant now, List<Notification> out) {
            AlertState before = state;
            int notified = out.size();
            applyReading(reading, now, out);
            if (state != before || out.size() != notified) {
                dirty = true;
            }
        }

        private void applyReading(Reading reading, Instant now, List<Notification> out) {
            String problem = reading.problem();
            trackError(problem, now, out);
            if (problem != null) {
                // Unknown is not "condition false": keep the state, a firing alert keeps firing.
                unknown = true;
                return;
            }
            unknown = false;
            value = reading.value();
            boolean holds = rule.holds(value);
            if (holds) {
                lastTrue = now;
            }
            switch (state) {
                case INACTIVE, RESOLVED -> {
                    if (holds) {
                        activeSince = now;
                        resolvedAt = null;
                        state = AlertState.PENDING;
                        fireIfDue(now, out);
                    }
                }
                case PENDING -> {
                    if (holds) {
                        fireIfDue(now, out);
                    } else {
                        state = AlertState.INACTIVE;
                        activeSince = null;
                    }
                }
                case FIRING -> {
                    if (!holds && Duration.between(lastTrue, now).compareTo(rule.keepFiringFor()) >= 0) {
                        state = AlertState.RESOLVED;
                        resolvedAt = now;
                        out.add(new Notification(alert(), Notification.Kind.RESOLVED));
                        LOG.info("Alert {} resolved", rule.name());
                    } else if (Duration.between(lastNotified, now).compareTo(repeatInterval) >= 0) {
                        lastNotified = now;
                        out.add(new Notification(alert(), Notification.Kind.REPEAT));
                    }
                }
                default -> throw new IllegalStateException("unexpected state " + state);
            }
        }

        private void fireIfDue(Instant now, List<Notification> out) {
            if (Duration.between(activeSince, now).compareTo(rule.forDuration()) >= 0) {
                state = AlertState.FIRING;
                firingSince = now;
                lastNotified = now;
                out.add(new Notification(alert(), Notification.Kind.FIRING));
                LOG.warn("Alert {} firing: {} = {}", rule.name(), rule.signal().describe(), AlertRule.format(value));
            }
        }

        private void trackError(String problem, Instant now, List<Notification> out) {
            if (problem != null && error == null) {
                error = problem;
                errorSince = now;
                LOG.error("Alert rule {} cannot be evaluated: {}", rule.name(), problem);
                out.add(new Notification(errorAlert(AlertState.FIRING, null), Notification.Kind.FIRING));
            } else if (problem == null && error != null) {
                out.add(new Notification(errorAlert(AlertState.RESOLVED, now), Notification.Kind.RESOLVED));
                error = null;
                errorSince = null;
            } else if (problem != null) {
                error = problem;
            }
        }

        Alert alert() {
            return new Alert(fingerprint, rule.name(), rule.severity(), labels, rule.render(value, labels), state, value,
                    activeSince, firingSince, resolvedAt, unknown);
        }

        Alert errorAlert(AlertState s, Instant resolved) {
            Map<String, String> errorLabels = new LinkedHashMap<>();
            errorLabels.put("alertname", EVALUATION_FAILED);
            errorLabels.put("severity", Severity.WARNING.label());
            errorLabels.put("rule", rule.name());
            errorLabels.put("instance", labels.get("instance"));
            return new Alert(fingerprint(EVALUATION_FAILED, errorLabels), EVALUATION_FAILED, Severity.WARNING, errorLabels,
                    Map.of("summary", "Alert rule " + rule.name() + " cannot be evaluated",
                            "description", Objects.requireNonNullElse(error, "")),
                    s, Double.NaN, errorSince, errorSince, resolved);
        }

        void firing(List<Notification> out) {
            if (state == AlertState.FIRING) {
                out.add(new Notification(alert(), Notification.Kind.REPEAT));
            }
            if (error != null) {
                out.add(new Notification(errorAlert(AlertState.FIRING, null), Notification.Kind.REPEAT));
            }
        }

        void visible(Instant now, List<Alert> out) {
            if (state == AlertState.PENDING || state == AlertState.FIRING
                    || (state == AlertState.RESOLVED && Duration.between(resolvedAt, now).compareTo(resolvedRetention) < 0)) {
                out.add(alert());
            }
            if (error != null) {
                out.add(errorAlert(AlertState.FIRING, null));
            }
        }
    }

    /** Builds an {@link AlertEngine}: settings, rules and the service's collaborators. */
    public static final class Builder {
        /** The leader lock's name unless set: {@value}. */
        public static final String DEFAULT_LEADER_LOCK = "bulwark-alerting";
        private final MetricRegistry metrics;
        private AlertingSettings settings = AlertingSettings.defaults();
        private HealthCheckRegistry health;
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory;
        private final List<AlertRule> rules = new ArrayList<>();
        private DataSource dataSource;
        private boolean election;
        private Path stateDirectory;
        private String leaderLock = DEFAULT_LEADER_LOCK;
        private final List<InhibitRule> inhibitRules = new ArrayList<>();

        private Builder(MetricRegistry metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
        }

        /**
         * Sets the notifiers, timing and delivery policy.
         *
         * @param settings the settings (default {@link AlertingSettings#defaults()}: no notifier)
         * @return this
         */
        public Builder settings(AlertingSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Sets the service's health-check registry: {@link Signals#healthy(String)} rules read its
         * checks, and the engine registers its own ({@value AlertEngine#HEALTH_CHECK_NAME}, see
         * {@link AlertEngine#healthCheck()}) there, as every Bulwark module does.
         *
         * @param health the service's health-check registry
         * @return this
         */
        public Builder healthChecks(HealthCheckRegistry health) {
            this.health = health;
            return this;
        }

        /**
         * Sets the time source (tests pass a fake one).
         *
         * @param clock the clock (default the UTC system clock)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the factory of the engine's threads (evaluation and group timers, one per notifier), for
         * services that name, group or account for their threads themselves.
         *
         * @param factory the factory (default: daemon threads named {@code bulwark-alert-*})
         * @return this
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * Keeps the alert state (firing alerts, pending {@code for} timers, undelivered resolves)
         * in the service's database, table {@code bulwark_alert_state} (PostgreSQL or H2, created
         * when missing), so a restart during an incident does not page again and a resolve queued
         * before it is delivered after it. On PostgreSQL the replicas also elect, through a
         * session-level advisory lock on a connection of their own, the one leader that evaluates
         * the {@linkplain AlertRule#clusterScoped() cluster-scoped} rules.
         *
         * @param dataSource the service's database
         * @return this
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.election = isPostgres(dataSource);
            return this;
        }

        /**
         * Adds inhibition rules for the direct notifiers (for example
         * {@link InhibitRule#backendDownMutesItsSymptoms()}).
         *
         * @param rules the rules
         * @return this
         */
        public Builder inhibit(List<InhibitRule> rules) {
            this.inhibitRules.addAll(rules);
            return this;
        }

        /**
         * Names the leader lock, for several services sharing one database (each elects its own
         * leader).
         *
         * @param name 1 to 200 characters (default {@value #DEFAULT_LEADER_LOCK})
         * @return this
         */
        public Builder leaderLock(String name) {
            if (name == null || name.isBlank() || name.length() > 200) {
                throw new IllegalArgumentException("leaderLock must be 1 to 200 characters, got '" + name + "'");
            }
            this.leaderLock = name;
            return this;
        }

        /**
         * Keeps the alert state in files under a directory (the service's data directory) when
         * there is no {@link #dataSource(DataSource)}; files are replaced atomically.
         *
         * @param directory where {@code alert-state-*.json} files go
         * @return this
         */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        private static boolean isPostgres(DataSource ds) {
            try (java.sql.Connection c = ds.getConnection()) {
                return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
            } catch (java.sql.SQLException e) {
                throw new IllegalArgumentException("dataSource: cannot connect to learn the database product ("
                        + e.getMessage() + "); alert state and leader election need it reachable at startup", e);
            }
        }

        /**
         * Adds rules to evaluate.
         *
         * @param rules the rules
         * @return this
         */
        public Builder rules(AlertRule... rules) {
            return rules(List.of(rules));
        }

        /**
         * Adds rules to evaluate.
         *
         * @param rules the rules
         * @return this
         */
        public Builder rules(List<AlertRule> rules) {
            this.rules.addAll(rules);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the engine (not started): evaluated by its caller ({@link AlertEngine#evaluate()})
         *     until {@link AlertEngine#start()}; {@link #start()} builds it running
         * @throws IllegalArgumentException when two rules have the same name and labels
         */
        public AlertEngine build() {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (AlertRule r : rules) {
                if (!names.add(r.name() + r.labels())) {
                    throw new IllegalArgumentException("alert rule '" + r.name() + "' is configured twice with the same labels");
                }
            }
            return new AlertEngine(this);
        }

        /**
         * Builds the engine and starts it: evaluating on its own thread until {@link AlertEngine#close()}.
         * The shape of every running Bulwark component (the pool's and the backup scheduler's
         * builders also return them running), so one container hook, a destroy method or
         * Dropwizard's {@code AutoCloseableManager}, fits them all; {@link #build()} is the manual
         * mode, evaluated by its caller.
         *
         * <pre>{@code
         * AlertEngine alerts = AlertEngine.builder(metrics).settings(settings).rules(rules).start(); // close() at shutdown
         * }</pre>
         *
         * @return the running engine
         * @throws IllegalArgumentException when two rules have the same name and labels
         */
        public AlertEngine start() {
            AlertEngine engine = build();
            engine.start();
            return engine;
        }
    }
}
