import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;

/** One "process lifetime": an always-true critical rule, file state in args[0]; prints what this run notifies. */
public class RestartRepage {
    public static void main(String[] a) throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("db.down", (com.codahale.metrics.Gauge<Integer>) () -> 1);
        AlertingSettings s = AlertingSettings.fromEnvironment(System.getenv());
        AlertEngine e = AlertEngine.builder(metrics).settings(s).stateDirectory(Path.of(a[0]))
            .rules(AlertRule.builder("DatabaseDown").signal(Signals.gauge("db.down")).above(0).severity(Severity.CRITICAL).build()).build();
        List<Notification> n = e.evaluate();
        System.out.println("instance=" + s.instance() + " notifications this run: " + n.stream().map(x -> x.alert().name() + "/" + x.kind()).toList());
        long deadline = System.nanoTime() + 5_000_000_000L;   // let the persister write
        while (System.nanoTime() < deadline && Files.list(Path.of(a[0])).noneMatch(p -> p.toString().endsWith(".json"))) Thread.onSpinWait();
        Thread.sleep(500);
        e.close();
        try (var l = Files.list(Path.of(a[0]))) { System.out.println("state files: " + l.map(p -> p.getFileName().toString()).sorted().toList()); }
    }
}
