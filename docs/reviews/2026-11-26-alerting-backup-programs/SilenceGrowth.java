import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;

/** File state (the sample on its embedded database): N silences, expired ones included, read every evaluation. */
public class SilenceGrowth {
    public static void main(String[] a) throws Exception {
        Path dir = Files.createTempDirectory("rev-silences");
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("q", (com.codahale.metrics.Gauge<Integer>) () -> 0);
        AlertEngine e = AlertEngine.builder(metrics).settings(AlertingSettings.builder().instance("rev").build())
            .stateDirectory(dir).rules(AlertRule.builder("QueueHigh").signal(Signals.gauge("q")).above(0).build()).build();
        for (int i = 0; i < 5; i++) e.evaluate();
        long t0 = System.nanoTime(); e.evaluate();
        System.out.printf("0 silences: evaluate %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        int n = Integer.parseInt(a[0]);
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Silence s = e.silence(Map.of("alertname", "X" + i), Instant.now().plus(Duration.ofDays(90)), "demo", "c".repeat(500));
            if (i % 2 == 0) e.expireSilence(s.id());          // half of them already ended: still kept and read
        }
        System.out.printf("created %d silences (half expired) in %.1f s; files in state dir: %d%n", n, (System.nanoTime() - t0) / 1e9,
            Files.list(dir).count());
        for (int i = 0; i < 3; i++) {
            t0 = System.nanoTime(); e.evaluate();
            System.out.printf("%d silences: evaluate %.1f ms%n", n, (System.nanoTime() - t0) / 1e6);
        }
        e.close();
    }
}
