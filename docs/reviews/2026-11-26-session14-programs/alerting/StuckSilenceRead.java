import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.*;
import java.io.*;
import java.net.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two AlertEngine replicas on real PostgreSQL. Replica A reaches the database through a TCP proxy; while
 * the proxy black-holes new connections (a network partition without RST), A's silence read hangs.
 * Replica B ends the silence early. After the network heals, does A ever see it?
 */
public class StuckSilenceRead {
    static volatile boolean blackhole;
    static final List<Socket> HELD = new CopyOnWriteArrayList<>(); // a partitioned peer never closes

    static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-26T12:00:00Z");
        public ZoneId getZone() { return ZoneOffset.UTC; }
        public Clock withZone(ZoneId z) { return this; }
        public Instant instant() { return now; }
    }

    static final class Recorder implements Notifier {
        final List<String> got = new CopyOnWriteArrayList<>();
        public String name() { return "webhook"; }
        public void send(List<Notification> ns) { ns.forEach(n -> got.add(n.alert().name() + "/" + n.alert().state())); }
    }

    /** Forwards to PostgreSQL; a connection accepted while blackhole is on is held open and never answered. */
    static int proxy() throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Socket c = ss.accept();
                    Socket s = new Socket("127.0.0.1", 5432);
                    HELD.add(c); HELD.add(s);
                    clientToServer(c.getInputStream(), s.getOutputStream());
                    pump(s.getInputStream(), c.getOutputStream());
                } catch (IOException e) { return; }
            }
        });
        t.setDaemon(true); t.start();
        return ss.getLocalPort();
    }

    /**
     * Forwards the client's bytes; once the partition starts, a query (Parse/Query message) on a logged-in
     * connection and everything after it is dropped: the connection stays open, the answer never comes.
     */
    static void clientToServer(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            boolean poisoned = false;
            int chunks = 0;
            try {
                for (int n; (n = in.read(buf)) > 0; chunks++) {
                    if (!poisoned && blackhole && chunks >= 2 && (buf[0] == 'P' || buf[0] == 'Q')) {
                        poisoned = true;
                    }
                    if (!poisoned) { out.write(buf, 0, n); out.flush(); }
                }
            } catch (IOException e) { }
        });
        t.setDaemon(true); t.start();
    }

    static void pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> { try { in.transferTo(out); } catch (IOException e) { } finally { try { out.close(); } catch (IOException e) { } } });
        t.setDaemon(true); t.start();
    }

    static PGSimpleDataSource ds(int port) {
        PGSimpleDataSource d = new PGSimpleDataSource();
        d.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/bulwark"); // pgjdbc defaults: socketTimeout=0, loginTimeout=0
        d.setUser("bulwark"); d.setPassword("bulwark");
        return d;
    }

    public static void main(String[] args) throws Exception {
        MutableClock clock = new MutableClock();
        AtomicInteger depth = new AtomicInteger();
        String lock = "review-stuck-" + UUID.randomUUID();
        int proxyPort = proxy();
        Recorder hookA = new Recorder(), hookB = new Recorder();
        AlertEngine a = engine("pod-a-" + UUID.randomUUID().toString().substring(0, 6), ds(proxyPort), clock, depth, lock, hookA);
        AlertEngine b = engine("pod-b-" + UUID.randomUUID().toString().substring(0, 6), ds(5432), clock, depth, lock, hookB);
        a.evaluate(); b.evaluate();
        Silence s = b.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plus(Duration.ofDays(30)), "ops", "maintenance");
        depth.set(500);
        a.evaluate();
        System.out.println("A knows the silence: " + a.silences().stream().map(Silence::id).toList().contains(s.id()) + ", A notified " + hookA.got);

        blackhole = true;
        clock.now = clock.now.plusSeconds(15);
        long t0 = System.nanoTime();
        a.evaluate(); // the silence read hangs on a connection that is never answered
        System.out.printf("A evaluated during the partition in %d ms, notified %s%n", (System.nanoTime() - t0) / 1_000_000, hookA.got);
        blackhole = false; // network healed: new connections work again
        System.out.println("B ends the silence early: " + b.expireSilence(s.id()));
        try (var c = ds(proxyPort).getConnection(); var st = c.createStatement(); var rs = st.executeQuery("select 1")) {
            rs.next(); System.out.println("A's database reachable again through the proxy: select 1 = " + rs.getInt(1));
        }
        for (int i = 1; i <= 4; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(10)); // 40 minutes, past the 5-minute full read too
            a.evaluate(); b.evaluate();
            System.out.printf("after %2d min: A silences %s, A notified %s | B notified %s%n", i * 10,
                    a.silences().stream().map(Silence::comment).toList(), hookA.got, hookB.got);
        }
        System.out.println(hookA.got.isEmpty() ? "STALE: A keeps muting the alert after the silence was ended and the database is back"
                : "A caught up");
        System.exit(0);
    }

    static AlertEngine engine(String instance, javax.sql.DataSource ds, Clock clock, AtomicInteger depth, String lock, Notifier n) {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) depth::get);
        return AlertEngine.builder(metrics).clock(clock).dataSource(ds).leaderLock(lock)
                .settings(AlertingSettings.builder().instance(instance).notifier(n).signalTimeout(Duration.ofSeconds(2))
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build()).build();
    }
}
