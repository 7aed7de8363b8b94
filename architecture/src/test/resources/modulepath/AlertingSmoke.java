import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.AlertRule;
import dev.bulwark.alerting.AlertingSettings;
import dev.bulwark.alerting.Signals;
import java.time.Duration;
import java.util.Map;

/** alerting on the module path: a rule over a gauge fires on evaluation. */
public class AlertingSmoke {
    public static void main(String[] args) {
        MetricRegistry metrics = new MetricRegistry();
        metrics.register("queue.depth", (Gauge<Integer>) () -> 5);
        try (AlertEngine engine = AlertEngine.builder(metrics)
                .settings(AlertingSettings.fromEnvironment(Map.of()))
                .rules(AlertRule.builder("QueueDeep").signal(Signals.gauge("queue.depth")).above(1)
                        .forDuration(Duration.ZERO).build())
                .build()) {
            engine.evaluate();
            if (engine.activeAlerts().size() != 1) {
                throw new AssertionError("alerts " + engine.activeAlerts());
            }
            System.out.println("OK dev.bulwark.alerting " + AlertEngine.class.getModule());
        }
    }
}
