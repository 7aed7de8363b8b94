import com.codahale.metrics.MetricRegistry;
import dev.bulwark.micrometer.BulwarkMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** bulwark-micrometer on the module path: a refusal counter becomes one Micrometer counter with a reason tag. */
public class MicrometerSmoke {
    public static void main(String[] args) {
        MetricRegistry metrics = new MetricRegistry();
        metrics.counter("bulwark.jwt.refused.csrf_origin").inc(2);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (BulwarkMetrics bridge = new BulwarkMetrics(metrics)) {
            bridge.bindTo(meters);
            double count = meters.get("bulwark.jwt.refused").tag("reason", "csrf_origin").meter().measure().iterator().next().getValue();
            if (count != 2) {
                throw new AssertionError("bridged count " + count);
            }
            System.out.println("OK dev.bulwark.micrometer " + BulwarkMetrics.class.getModule());
        }
    }
}
