package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Silences and inhibition for the direct notifiers, with Alertmanager's semantics. */
class SilenceAndInhibitionTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    final AtomicInteger depth = new AtomicInteger(500);

    AlertEngine engine(String instance, RecordingNotifier direct, RecordingNotifier alertmanager, JdbcDataSource db) {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        AlertEngine.Builder b = AlertEngine.builder(metrics).clock(clock)
                .settings(AlertingSettings.builder().instance(instance).notifier(direct).notifier(alertmanager)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build());
        if (db != null) {
            b.dataSource(db);
        }
        return b.build();
    }

    @Test
    void aSilenceMutesTheDirectNotifiersUntilItExpiresButNotAlertmanager() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        RecordingNotifier am = RecordingNotifier.routingItself("am");
        try (AlertEngine engine = engine("pod-a", webhook, am, null)) {
            Silence s = engine.silence(Map.of("alertname", "HighQueueDepth", "instance", "pod-a"),
                    clock.instant().plus(Duration.ofHours(1)), "demo", "maintenance");
            assertThat(engine.silences()).containsExactly(s);

            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "Alertmanager got it", () -> am.got.size() == 1);
            clock.advance(Duration.ofMinutes(30));
            engine.evaluate();
            assertThat(webhook.got).as("silenced").isEmpty();

            assertThat(engine.expireSilence(s.id())).isTrue();
            assertThat(engine.silences()).isEmpty();
            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "notified once the silence ended", () -> webhook.got.size() == 1);
            assertThat(webhook.seen()).containsExactly("HighQueueDepth/FIRING");
        }
    }

    @Test
    void theResolveOfASilencedEpisodeIsNotSentEither() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        RecordingNotifier am = RecordingNotifier.routingItself("am");
        try (AlertEngine engine = engine("pod-a", webhook, am, null)) {
            engine.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plus(Duration.ofHours(1)), "demo", "");
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "Alertmanager got the FIRING", () -> am.got.size() == 1);
            depth.set(0);
            clock.advance(Duration.ofMinutes(1));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "Alertmanager got both", () -> am.got.size() == 2);
            assertThat(webhook.got).isEmpty();
            assertThat(engine.evaluate()).isEmpty();
        }
    }

    @Test
    void theTestAlertBypassesASilenceThatMatchesItAndSaysSo() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        RecordingNotifier am = RecordingNotifier.routingItself("am");
        try (AlertEngine engine = engine("pod-a", webhook, am, null)) {
            Silence maintenance = engine.silence(Map.of("instance", "pod-a"), clock.instant().plus(Duration.ofHours(1)),
                    "demo", "maintenance of pod-a");
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "Alertmanager got the real alert", () -> am.got.size() == 1);

            assertThat(engine.sendTestAlert()).isEqualTo(2);
            Poll.until(Duration.ofSeconds(5), "the test alert reached the silenced notifier", () -> webhook.got.size() == 1);
            assertThat(webhook.got.get(0).kind()).isEqualTo(Notification.Kind.TEST);
            assertThat(webhook.got.get(0).alert().annotations().get(AlertEngine.TEST_ALERT_SILENCES))
                    .contains(maintenance.id()).contains("bypasses silences");

            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "its resolve too", () -> webhook.got.size() == 2);
            assertThat(webhook.seen()).as("the real alert stays silenced")
                    .containsExactly("BulwarkTestAlert/TEST", "BulwarkTestAlert/RESOLVED");
        }
    }

    @Test
    void aSilenceThatNamesTheTestAlertMutesItWithoutUsingUpTheMinimumInterval() {
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        RecordingNotifier am = RecordingNotifier.routingItself("am");
        try (AlertEngine engine = engine("pod-a", webhook, am, null)) {
            Silence named = engine.silence(Map.of("alertname", "BulwarkTestAlert"), clock.instant().plus(Duration.ofHours(1)),
                    "on-call", "someone is paging us with test alerts");
            for (int i = 0; i < 5; i++) {
                assertThat(engine.sendTestAlert()).as("muted: queued for no notifier").isZero();
            }
            engine.silence(Map.of("alertname", "BulwarkTestAlert", "instance", "pod-b"), clock.instant().plus(Duration.ofHours(1)),
                    "on-call", "another replica's: does not match this one");
            engine.expireSilence(named.id());
            assertThat(engine.sendTestAlert()).as("the silence ended: sent, no interval used up by the muted ones")
                    .isEqualTo(2);
            Poll.until(Duration.ofSeconds(5), "delivered", () -> webhook.got.size() == 1 && am.got.size() == 1);
            assertThat(webhook.got.get(0).kind()).isEqualTo(Notification.Kind.TEST);
        }
    }

    @Test
    void aSilenceMadeOnOneReplicaHoldsOnTheOtherSharingTheDatabase() {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:silences-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        RecordingNotifier webhookA = new RecordingNotifier("webhook");
        RecordingNotifier webhookB = new RecordingNotifier("webhook");
        try (AlertEngine a = engine("pod-a", webhookA, RecordingNotifier.routingItself("am"), db);
                AlertEngine b = engine("pod-b", webhookB, RecordingNotifier.routingItself("am"), db)) {
            a.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plus(Duration.ofHours(1)), "demo", "");
            b.evaluate();
            a.evaluate();
            assertThat(b.silences()).hasSize(1);
            clock.advance(Duration.ofSeconds(15));
            b.evaluate();
            assertThat(webhookA.got).isEmpty();
            assertThat(webhookB.got).isEmpty();
        }
    }

    /** A real H2 database behind a data source that counts the full reads of the silences. */
    static final class CountingDatabase {
        final JdbcDataSource h2 = new JdbcDataSource();
        final java.util.concurrent.atomic.AtomicInteger fullReads = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
        final javax.sql.DataSource counting;

        CountingDatabase() {
            h2.setURL("jdbc:h2:mem:silence-reads-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            counting = proxy(javax.sql.DataSource.class, h2, (m, result) -> m.getName().equals("getConnection")
                    ? proxy(java.sql.Connection.class, result, null) : result);
        }

        private <T> T proxy(Class<T> type, Object target, java.util.function.BiFunction<java.lang.reflect.Method, Object, Object> wrap) {
            return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                    (p, m, args) -> {
                        if (m.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
                                && sql.contains("bulwark_alert_state")) {
                            if (sql.startsWith("SELECT state_key, body") && sql.contains("LIKE")) {
                                fullReads.incrementAndGet();
                            } else if (sql.startsWith("SELECT body")) {
                                probes.incrementAndGet();
                            }
                        }
                        try {
                            Object result = m.invoke(target, args);
                            return wrap == null ? result : wrap.apply(m, result);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }));
        }
    }

    /** The second replica: the queue-depth rule, reading the shared database through the counting proxy. */
    private AlertEngine replicaB(CountingDatabase db, RecordingNotifier webhook) {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        return AlertEngine.builder(metrics).clock(clock).dataSource(db.counting)
                .settings(AlertingSettings.builder().instance("pod-b").notifier(webhook)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build()).build();
    }

    @Test
    void silencesAreReadInFullOnlyWhenAReplicaChangedThemAndEndOnTimeWithoutARead() {
        CountingDatabase db = new CountingDatabase();
        depth.set(0);
        RecordingNotifier webhookB = new RecordingNotifier("webhook");
        try (AlertEngine a = engine("pod-a", new RecordingNotifier("webhook"), RecordingNotifier.routingItself("am"), db.h2);
                AlertEngine b = replicaB(db, webhookB)) {
            b.evaluate();
            assertThat(db.fullReads).as("the first evaluation reads the silences").hasValue(1);
            int probesBefore = db.probes.get();
            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofSeconds(15));
                b.evaluate();
            }
            assertThat(db.fullReads).as("nothing changed: no full read").hasValue(1);
            assertThat(db.probes.get() - probesBefore).as("one version probe per evaluation").isGreaterThanOrEqualTo(10);

            a.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plusSeconds(60), "demo", "deploy");
            depth.set(500);
            b.evaluate();
            assertThat(db.fullReads).as("another replica's silence is read at the next evaluation").hasValue(2);
            assertThat(b.silences()).hasSize(1);
            clock.advance(Duration.ofSeconds(30));
            b.evaluate();
            assertThat(webhookB.got).as("muted by the other replica's silence").isEmpty();

            clock.advance(Duration.ofSeconds(31));
            b.evaluate();
            Poll.until(Duration.ofSeconds(5), "notified once the silence ended", () -> webhookB.got.size() == 1);
            assertThat(webhookB.seen()).containsExactly("HighQueueDepth/FIRING");
            assertThat(b.silences()).isEmpty();
            assertThat(db.fullReads).as("the silence ended by the clock, without reading anything").hasValue(2);
        }
    }

    @Test
    void aSilenceWhoseRowIsGoneStopsMutingAtTheNextFullRead() throws Exception {
        // Review 2026-11-26b A2: a full read used to add and update only, so a silence deleted from
        // the store (by hand, or by restoring an older dump) kept muting on the running replicas.
        CountingDatabase db = new CountingDatabase();
        depth.set(500);
        RecordingNotifier webhookB = new RecordingNotifier("webhook");
        try (AlertEngine a = engine("pod-a", new RecordingNotifier("webhook"), RecordingNotifier.routingItself("am"), db.h2);
                AlertEngine b = replicaB(db, webhookB)) {
            a.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plus(Duration.ofHours(2)), "demo", "deploy");
            b.evaluate();
            assertThat(b.silences()).hasSize(1);
            assertThat(webhookB.got).as("muted").isEmpty();

            try (java.sql.Connection c = db.h2.getConnection(); java.sql.Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("DELETE FROM bulwark_alert_state WHERE state_key LIKE 'silence:%'"))
                        .as("the silence row, deleted by hand").isEqualTo(1);
            }
            clock.advance(AlertEngine.SILENCE_FULL_READ_INTERVAL.plusSeconds(1));
            b.evaluate();
            assertThat(b.silences()).as("gone from the store, gone from the replica").isEmpty();
            Poll.until(Duration.ofSeconds(5), "notified once the silence is gone", () -> webhookB.got.size() == 1);
        }
    }

    @Test
    void backendDownInhibitsThePoolAlertOfTheSameInstanceOnly() {
        HealthCheckRegistry health = new HealthCheckRegistry();
        AtomicBoolean up = new AtomicBoolean(false);
        health.register("db", new HealthCheck() {
            @Override
            protected Result check() {
                return up.get() ? Result.healthy() : Result.unhealthy("down");
            }
        });
        RecordingNotifier webhook = new RecordingNotifier("webhook");
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock).healthChecks(health)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(webhook)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO).build())
                .inhibit(List.of(new InhibitRule(Map.of("alertname", "BackendDown"), Map.of("alertname", "HighQueueDepth"),
                        List.of("instance"))))
                .rules(RulePack.backendDown("db").forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build())
                .build()) {
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "BackendDown sent", () -> !webhook.got.isEmpty());
            assertThat(webhook.seen()).containsExactly("BackendDown/FIRING");

            up.set(true);
            clock.advance(Duration.ofMinutes(1));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "the muted alert once its cause resolved", () -> webhook.got.size() == 3);
            assertThat(webhook.seen()).containsExactlyInAnyOrder("BackendDown/FIRING", "BackendDown/RESOLVED",
                    "HighQueueDepth/FIRING");
        }
        assertThat(new InhibitRule(Map.of("alertname", "BackendDown"), Map.of("alertname", "DbPoolExhausted"),
                List.of("instance")).mutes(Map.of("alertname", "BackendDown", "instance", "pod-b"),
                Map.of("alertname", "DbPoolExhausted", "instance", "pod-a"))).as("other instance").isFalse();
    }

    @Test
    void badSilencesAreRefused() {
        try (AlertEngine engine = engine("pod-a", new RecordingNotifier("webhook"), RecordingNotifier.routingItself("am"), null)) {
            assertThatThrownBy(() -> engine.silence(Map.of(), clock.instant().plusSeconds(60), "demo", ""))
                    .hasMessageContaining("at least one label matcher");
            assertThatThrownBy(() -> engine.silence(Map.of("alertname", "X"), clock.instant().minusSeconds(1), "demo", ""))
                    .hasMessageContaining("endsAt must be after now");
            assertThatThrownBy(() -> engine.silence(Map.of("bad name", "X"), clock.instant().plusSeconds(60), "demo", ""))
                    .hasMessageContaining("'bad name'");
        }
    }

    @Test
    void silencesAreCappedAndEndedOnesAreDeletedFromTheStoreADayLater() throws Exception {
        try (AlertEngine engine = engine("pod-a", new RecordingNotifier("webhook"), RecordingNotifier.routingItself("am"), null)) {
            for (int i = 0; i < AlertEngine.MAX_SILENCES; i++) {
                engine.silence(Map.of("alertname", "A" + i), clock.instant().plusSeconds(600), "demo", "");
            }
            assertThatThrownBy(() -> engine.silence(Map.of("alertname", "One-too-many"), clock.instant().plusSeconds(60),
                    "demo", "")).isInstanceOf(IllegalStateException.class).hasMessageContaining("expire some");
        }
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:silences-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (AlertEngine engine = engine("pod-a", new RecordingNotifier("webhook"), RecordingNotifier.routingItself("am"), db)) {
            engine.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plusSeconds(60), "demo", "");
            assertThat(savedSilences(db)).isEqualTo(1);
            clock.advance(Duration.ofHours(12));
            assertThat(engine.silences()).isEmpty();
            assertThat(savedSilences(db)).as("kept a while after its end").isEqualTo(1);
            clock.advance(Duration.ofDays(1));
            engine.silences();
            Poll.until(Duration.ofSeconds(10), "the ended silence is deleted", () -> savedSilences(db) == 0);
        }
    }

    private static long savedSilences(JdbcDataSource db) {
        try (java.sql.Connection c = db.getConnection(); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM bulwark_alert_state WHERE state_key LIKE 'silence:%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anExhaustedPoolDelaysNeitherEvaluationNorTheSilenceListing() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:exhausted-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        AtomicBoolean exhausted = new AtomicBoolean();
        // A pool with every connection borrowed: getConnection waits its acquire timeout, then fails.
        javax.sql.DataSource pool = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                javax.sql.DataSource.class.getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, m, args) -> {
                    if (m.getName().equals("getConnection") && exhausted.get()) {
                        Thread.sleep(5_000);
                        throw new java.sql.SQLTransientConnectionException("Connection is not available, request timed out");
                    }
                    try {
                        return m.invoke(h2, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        RecordingNotifier direct = new RecordingNotifier("webhook");
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock).dataSource(pool)
                .settings(AlertingSettings.builder().instance("pod-a").signalTimeout(Duration.ofMillis(300)).groupWait(Duration.ZERO)
                        .notifier(direct).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build()).build()) {
            engine.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plusSeconds(3600), "demo", "");
            exhausted.set(true);

            long start = System.nanoTime();
            engine.evaluate();
            List<Silence> listed = engine.silences();
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(tookMs).as("evaluate + silences() with the pool exhausted").isLessThan(2_500);
            assertThat(listed).as("the known silence stays in force").hasSize(1);
            assertThat(direct.seen()).as("and still mutes").isEmpty();
            exhausted.set(false);
        }
    }
}
