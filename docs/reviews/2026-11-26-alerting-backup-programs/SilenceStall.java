import com.codahale.metrics.MetricRegistry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.alerting.*;
import java.sql.Connection;
import java.time.*;
import java.util.*;

/** Pool exhausted (the DbPoolExhausted incident): how long does one evaluation / GET silences take? */
public class SilenceStall {
    public static void main(String[] a) throws Exception {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/bulwark");
        c.setUsername("bulwark"); c.setPassword("bulwark");
        c.setMaximumPoolSize(3); c.setConnectionTimeout(5000);
        HikariDataSource ds = new HikariDataSource(c);
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("q", (com.codahale.metrics.Gauge<Integer>) () -> 1);
        AlertEngine e = AlertEngine.builder(metrics)
            .settings(AlertingSettings.builder().instance("rev-a").signalTimeout(Duration.ofSeconds(1)).build())
            .dataSource(ds).leaderLock("rev-review-" + System.nanoTime())
            .rules(AlertRule.builder("QueueHigh").signal(Signals.gauge("q")).above(0).build()).build();
        long t0 = System.nanoTime(); e.evaluate();
        System.out.printf("evaluate, pool free: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        List<Connection> held = new ArrayList<>();
        while (true) { try { held.add(ds.getConnection()); } catch (Exception ex) { break; } } // exhaust the pool
        System.out.println("pool exhausted, borrowed " + held.size() + " (leader holds one)");
        for (int i = 0; i < 2; i++) {
            t0 = System.nanoTime(); e.evaluate();
            System.out.printf("evaluate, pool exhausted: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        t0 = System.nanoTime(); e.silences();
        System.out.printf("silences() (GET /admin/alerts/silences), pool exhausted: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        for (Connection h : held) h.close();
        e.close(); ds.close();
    }
}
