package dev.bulwark.micrometer;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricRegistryListener;
import com.codahale.metrics.Timer;
import dev.bulwark.core.internal.ExactTotal;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Micrometer {@link MeterBinder} that exposes a dropwizard {@link MetricRegistry} — the one
 * Bulwark's modules register their metrics in — to a Micrometer {@link MeterRegistry}, with
 * Micrometer names and tags ({@link MeterName}): the pool's series are named as Micrometer's own
 * HikariCP binding names them ({@code hikaricp.connections.active{pool=...}}), the per-reason
 * authentication refusals become one counter {@code bulwark.jwt.refused} with a {@code reason}
 * tag.
 *
 * <pre>{@code
 * MetricRegistry metrics = new MetricRegistry();           // given to the Bulwark modules
 * ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(PoolSettings.fromEnvironment(), metrics);
 * new BulwarkMetrics(metrics).bindTo(meterRegistry);       // or a @Bean MeterBinder in Spring Boot
 * }</pre>
 *
 * <p>Metrics registered later (a module started after binding) are bridged as they appear and
 * removed when they are removed. Nothing is copied: each meter reads the dropwizard metric when
 * the registry is scraped. Dropwizard counters and meters become {@link FunctionCounter}s, gauges
 * {@code Gauge}s (a non-numeric or null value reads as NaN), timers {@link FunctionTimer}s (in
 * seconds) plus a {@code <name>.seconds.max} gauge, the largest duration in the timer's
 * reservoir, which Prometheus shows as Micrometer's timer maximum {@code <name>_seconds_max}. A
 * timer's total time is exact when the timer keeps it (the pool's timers do); otherwise it is the
 * reservoir's mean times the count. Histograms (no Bulwark module has one) are not bridged.
 */
public final class BulwarkMetrics implements MeterBinder, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BulwarkMetrics.class);
    private static final double NANOS_PER_SECOND = 1e9;

    private final MetricRegistry registry;
    private final Tags tags;
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    /**
     * A binder for the given registry.
     *
     * @param registry the dropwizard registry the Bulwark modules register in
     */
    public BulwarkMetrics(MetricRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * A binder for the given registry that adds {@code tags} to every meter.
     *
     * @param registry the dropwizard registry the Bulwark modules register in
     * @param tags tags for every bridged meter (e.g. {@code instance})
     */
    public BulwarkMetrics(MetricRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /**
     * Bridges every metric now in the dropwizard registry, and every one added later, to
     * {@code meters}. May be called for several meter registries.
     *
     * @param meters the Micrometer registry
     */
    @Override
    public void bindTo(MeterRegistry meters) {
        Binding binding = new Binding(Objects.requireNonNull(meters, "meters"));
        bindings.add(binding);
        registry.addListener(binding); // dropwizard replays the existing metrics to a new listener
    }

    /** Stops following the dropwizard registry and removes the bridged meters from every registry. */
    @Override
    public void close() {
        for (Binding b : bindings) {
            registry.removeListener(b);
            b.removeAll();
        }
        bindings.clear();
    }

    /** The bridge to one meter registry: the meters it registered, by dropwizard name. */
    private final class Binding implements MetricRegistryListener {
        private final MeterRegistry meters;
        private final Map<String, List<io.micrometer.core.instrument.Meter>> bridged = new ConcurrentHashMap<>();

        Binding(MeterRegistry meters) {
            this.meters = meters;
        }

        /** Registers a meter and remembers it under the dropwizard name it bridges. */
        private void add(String dropwizardName, io.micrometer.core.instrument.Meter meter) {
            bridged.computeIfAbsent(dropwizardName, k -> new CopyOnWriteArrayList<>()).add(meter);
        }

        /** A function counter named {@code n} reading {@code source}. */
        private <T> void counter(String dropwizardName, MeterName n, T source, ToDoubleFunction<T> count) {
            add(dropwizardName, FunctionCounter.builder(n.name(), source, count).tags(tags.and(n.tags())).register(meters));
        }

        /** A gauge named {@code n} plus {@code suffix} reading {@code source}. */
        private <T> void gauge(String dropwizardName, MeterName n, String suffix, T source, ToDoubleFunction<T> value) {
            add(dropwizardName, io.micrometer.core.instrument.Gauge.builder(n.name() + suffix, source, value)
                    .tags(tags.and(n.tags())).register(meters));
        }

        @Override
        public void onGaugeAdded(String name, Gauge<?> gauge) {
            MeterName n = MeterName.of(name);
            if (n.runningTotal()) {
                counter(name, n, gauge, BulwarkMetrics::value);
            } else {
                gauge(name, n, "", gauge, BulwarkMetrics::value);
            }
        }

        @Override
        public void onCounterAdded(String name, Counter counter) {
            counter(name, MeterName.of(name), counter, Counting::getCount);
        }

        @Override
        public void onMeterAdded(String name, Meter meter) {
            counter(name, MeterName.of(name), meter, Counting::getCount);
        }

        @Override
        public void onTimerAdded(String name, Timer timer) {
            MeterName n = MeterName.of(name);
            add(name, FunctionTimer.builder(n.name(), timer, Timer::getCount, BulwarkMetrics::totalNanos, TimeUnit.NANOSECONDS)
                    .tags(tags.and(n.tags())).register(meters));
            gauge(name, n, ".seconds.max", timer, t -> t.getSnapshot().getMax() / NANOS_PER_SECOND);
        }

        @Override
        public void onHistogramAdded(String name, Histogram histogram) {
            LOG.debug("Dropwizard histogram {} is not bridged to Micrometer", name);
        }

        private void remove(String name) {
            List<io.micrometer.core.instrument.Meter> list = bridged.remove(name);
            if (list != null) {
                list.forEach(meters::remove);
            }
        }

        void removeAll() {
            new ArrayList<>(bridged.keySet()).forEach(this::remove);
        }

        @Override
        public void onGaugeRemoved(String name) {
            remove(name);
        }

        @Override
        public void onCounterRemoved(String name) {
            remove(name);
        }

        @Override
        public void onHistogramRemoved(String name) {
            remove(name);
        }

        @Override
        public void onMeterRemoved(String name) {
            remove(name);
        }

        @Override
        public void onTimerRemoved(String name) {
            remove(name);
        }
    }

    static double value(Gauge<?> gauge) {
        Object v = gauge.getValue();
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    /**
     * The total of a timer: exact for a timer that keeps one (the pool's, {@link ExactTotal}),
     * else the reservoir mean times the count (dropwizard's own {@link Timer} keeps no total).
     */
    static double totalNanos(Timer timer) {
        if (timer instanceof ExactTotal exact) {
            return exact.sumNanos();
        }
        return timer.getSnapshot().getMean() * timer.getCount();
    }
}
