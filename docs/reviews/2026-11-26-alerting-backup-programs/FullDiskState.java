import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.*;
import java.nio.file.*;

/** File state on a full filesystem (args[0]): what is left behind after N evaluations? */
public class FullDiskState {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("q", (com.codahale.metrics.Gauge<Integer>) () -> 1);
        AlertEngine e = AlertEngine.builder(metrics).settings(AlertingSettings.builder().instance("rev").build())
            .stateDirectory(dir).rules(AlertRule.builder("QueueHigh").signal(Signals.gauge("q")).above(0)
                .annotation("description", "x".repeat(20_000)).build()).build();
        for (int i = 0; i < 10; i++) {
            e.evaluate();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < deadline) Thread.onSpinWait();   // let the persister try
        }
        e.close();
        try (var l = Files.list(dir)) { l.sorted().forEach(p -> { try { System.out.println(p.getFileName() + " " + Files.size(p)); } catch (Exception x) { } }); }
    }
}
