package dev.bulwark.alerting.internal;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.AlertingSettings;
import dev.bulwark.alerting.Notification;
import dev.bulwark.alerting.Notifier;
import dev.bulwark.alerting.TestAlertTooSoonException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;

/** Review 2026-11-27: main's test-alert rate limit (concurrency, clock step back) and the instance-state sweep across time zones. */
public final class AlertingAttack {
    static final class Memory implements Notifier {
        final List<Notification> got = new CopyOnWriteArrayList<>();
        public String name() { return "memory"; }
        public void send(List<Notification> n) { got.addAll(n); }
    }

    static final class SettableClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-26T12:00:00Z");
        public ZoneOffset getZone() { return ZoneOffset.UTC; }
        public Clock withZone(java.time.ZoneId z) { return this; }
        public Instant instant() { return now; }
    }

    public static void main(String[] a) throws Exception {
        // 1. 32 threads at once
        Memory memory = new Memory();
        SettableClock clock = new SettableClock();
        try (AlertEngine engine = AlertEngine.builder(new MetricRegistry()).clock(clock)
                .settings(AlertingSettings.builder().instance("pod-a").notifier(memory).build()).build()) {
            int n = 32;
            CyclicBarrier barrier = new CyclicBarrier(n);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            Thread[] ts = new Thread[n];
            for (int i = 0; i < n; i++) {
                ts[i] = new Thread(() -> {
                    try {
                        barrier.await();
                        if (engine.sendTestAlert() > 0) {
                            sent.incrementAndGet();
                        }
                    } catch (TestAlertTooSoonException e) {
                        refused.incrementAndGet();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                ts[i].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            System.out.println("1. concurrent: " + n + " threads at once -> sent=" + sent + " refused=" + refused);
            // 2. the clock steps back one hour (NTP correction) after a test alert
            clock.now = clock.now.plusSeconds(120);
            engine.sendTestAlert();
            clock.now = clock.now.minus(Duration.ofHours(1));
            try {
                engine.sendTestAlert();
                System.out.println("2. after a 1 h step back: allowed");
            } catch (TestAlertTooSoonException e) {
                System.out.println("2. after a 1 h step back: refused, retry after " + e.retryAfterSeconds() + " s (" + e.getMessage() + ")");
            }
        }
        // 3. the sweep across JVM time zones on PostgreSQL (pgjdbc sets the session TimeZone from the JVM default)
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:5432/bulwark");
        ds.setUser("bulwark");
        ds.setPassword("bulwark");
        String table = "bulwark_alert_state";
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // an own schema so as not to touch anyone's rows
            s.execute("CREATE SCHEMA IF NOT EXISTS review_20261127");
        }
        ds.setCurrentSchema("review_20261127");
        TimeZone original = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Etc/GMT+12")); // UTC-12, replica A
            StateStore ra = StateStore.jdbc(ds);
            ra.save("instance:replica-a", "{}");
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14, replica B
            StateStore rb = StateStore.jdbc(ds);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT EXTRACT(EPOCH FROM LOCALTIMESTAMP - updated_at)/3600 FROM " + table
                            + " WHERE state_key = 'instance:replica-a'")) {
                rs.next();
                System.out.printf("3. a row saved just now by a UTC-12 replica looks %.1f h old to a UTC+14 replica%n", rs.getDouble(1));
            }
            int deleted = rb.deleteOlderThan("instance:", Duration.ofHours(25));
            System.out.println("   deleteOlderThan(instance:, 25 h) by the UTC+14 replica deleted " + deleted
                    + " row(s) saved 0 s ago; with the 7 d retention and the 1 d refresh the margin is 7 d - 1 d - 26 h = 4.9 d");
        } finally {
            TimeZone.setDefault(original);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA review_20261127 CASCADE");
            }
        }
    }
}
