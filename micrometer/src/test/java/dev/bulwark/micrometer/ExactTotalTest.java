package dev.bulwark.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.bulwark.core.internal.ExactTotal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A timer's total: exact when the timer keeps one (the pool's), else estimated from the reservoir. */
class ExactTotalTest {

    /** A timer that reports an exact total different from what its reservoir suggests. */
    static final class Exact extends Timer implements ExactTotal {
        @Override
        public long sumNanos() {
            return 12_345;
        }
    }

    @Test
    void theExactTotalIsReadWhereATimerKeepsOne() {
        MetricRegistry metrics = new MetricRegistry();
        Exact exact = metrics.register("exact", new Exact());
        exact.update(1_000, TimeUnit.NANOSECONDS);
        metrics.timer("estimated").update(1_000, TimeUnit.NANOSECONDS);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new BulwarkMetrics(metrics).bindTo(meters);
        assertThat(meters.get("exact").functionTimer().totalTime(TimeUnit.NANOSECONDS)).isEqualTo(12_345.0);
        assertThat(meters.get("estimated").functionTimer().totalTime(TimeUnit.NANOSECONDS)).isEqualTo(1_000.0);
    }
}
