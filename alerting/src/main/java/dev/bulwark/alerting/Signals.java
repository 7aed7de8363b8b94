package dev.bulwark.alerting;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.alerting.internal.SampleWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** The built-in {@link Signal}s. Signals that compute rates or trends keep their own samples. */
public final class Signals {

    private Signals() {
    }

    /**
     * The value of a numeric gauge.
     *
     * @param name gauge name in the registry
     * @return the signal
     */
    public static Signal gauge(String name) {
        requireName(name);
        return new Signal() {
            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                return gaugeValue(metrics, name);
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }

    /**
     * Per-second rate of a counter, meter, timer or histogram count over a window (the increase
     * over the window divided by its length). NaN until a sample at least one window old exists.
     *
     * @param name metric name
     * @param window e.g. 5 minutes
     * @return the signal
     */
    public static Signal rate(String name, Duration window) {
        requireName(name);
        requireWindow(window);
        SampleWindow samples = new SampleWindow(window);
        return new Signal() {
            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                return samples.ratePerSecond(now, count(metrics, name));
            }

            @Override
            public String describe() {
                return "rate(" + name + "[" + window.toSeconds() + "s])";
            }
        };
    }

    /**
     * The ratio of two rates over one window, e.g. 5xx responses / all responses. NaN (condition
     * false) while the denominator grew by fewer than {@code minDenominatorIncrease} over the
     * window — a handful of requests says nothing about an error rate.
     *
     * @param numerator metric counting the bad events
     * @param denominator metric counting all events
     * @param window e.g. 5 minutes
     * @param minDenominatorIncrease minimum events in the window, ≥ 0
     * @return the signal
     */
    public static Signal ratio(String numerator, String denominator, Duration window, long minDenominatorIncrease) {
        requireName(numerator);
        requireName(denominator);
        requireWindow(window);
        if (minDenominatorIncrease < 0) {
            throw new IllegalArgumentException("minDenominatorIncrease must be ≥ 0, got " + minDenominatorIncrease);
        }
        SampleWindow top = new SampleWindow(window);
        SampleWindow bottom = new SampleWindow(window);
        return new Signal() {
            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                double bad = top.increase(now, count(metrics, numerator));
                double all = bottom.increase(now, count(metrics, denominator));
                if (Double.isNaN(all) || Double.isNaN(bad) || all < Math.max(1, minDenominatorIncrease)) {
                    return Double.NaN;
                }
                return bad / all;
            }

            @Override
            public String describe() {
                return "ratio(" + numerator + " / " + denominator + "[" + window.toSeconds() + "s])";
            }
        };
    }

    /**
     * A percentile of a histogram or timer (timers in milliseconds).
     *
     * @param name metric name
     * @param quantile in [0, 1], e.g. 0.99
     * @return the signal
     */
    public static Signal percentile(String name, double quantile) {
        requireName(name);
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + quantile);
        }
        return new Signal() {
            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                Metric m = metrics.getMetrics().get(name);
                if (m instanceof Timer) {
                    return ((Timer) m).getSnapshot().getValue(quantile) / 1_000_000.0;
                }
                if (m instanceof Histogram) {
                    return ((Histogram) m).getSnapshot().getValue(quantile);
                }
                throw missing(name, m, "a histogram or timer");
            }

            @Override
            public String describe() {
                return "p" + (quantile * 100) + "(" + name + ")";
            }
        };
    }

    /**
     * 1 when a health check is healthy, 0 when not (use with {@code below(1)}).
     *
     * @param name health check name
     * @return the signal
     */
    public static Signal healthy(String name) {
        requireName(name);
        return new Signal() {
            @Override
            public boolean mayBlock() {
                return true;
            }

            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                if (health == null || !health.getNames().contains(name)) {
                    throw new Signal.SignalException("no health check named '" + name + "' is registered"
                            + (health == null ? " (the engine has no HealthCheckRegistry)" : "; known: " + health.getNames()));
                }
                HealthCheck.Result result = health.runHealthCheck(name);
                return result.isHealthy() ? 1 : 0;
            }

            @Override
            public String describe() {
                return "healthy(" + name + ")";
            }
        };
    }

    /**
     * Seconds since the time in a gauge of epoch milliseconds (a heartbeat the service updates).
     *
     * @param gaugeName gauge holding the last heartbeat, epoch milliseconds
     * @return the signal
     */
    public static Signal heartbeatAge(String gaugeName) {
        requireName(gaugeName);
        return new Signal() {
            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                return (now.toEpochMilli() - gaugeValue(metrics, gaugeName)) / 1000.0;
            }

            @Override
            public String describe() {
                return "age(" + gaugeName + ")";
            }
        };
    }

    /**
     * 1 when a HikariCP pool (registered by Hikari's dropwizard tracker, as bulwark-db-pool does)
     * is exhausted — every connection in use and threads waiting — else 0. Reads the pool's
     * {@code <pool>.pool.ActiveConnections}, {@code .MaxConnections} and {@code .PendingConnections} gauges.
     *
     * @param poolName the pool's name
     * @return the signal
     */
    public static Signal poolExhausted(String poolName) {
        requireName(poolName);
        return new Signal() {
            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                String p = poolName + ".pool.";
                double active = gaugeValue(metrics, p + "ActiveConnections");
                double max = gaugeValue(metrics, p + "MaxConnections");
                double pending = gaugeValue(metrics, p + "PendingConnections");
                return active >= max && pending > 0 ? 1 : 0;
            }

            @Override
            public String describe() {
                return "exhausted(" + poolName + ")";
            }
        };
    }

    /**
     * Usable space of the file system holding {@code path}, as a percentage of its size.
     *
     * @param path any path on the file system
     * @return the signal
     */
    public static Signal diskFreePercent(Path path) {
        Objects.requireNonNull(path, "path");
        return new Signal() {
            @Override
            public boolean mayBlock() {
                return true;
            }

            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                FileStore store = store(path);
                try {
                    return 100.0 * store.getUsableSpace() / store.getTotalSpace();
                } catch (IOException e) {
                    throw new Signal.SignalException("cannot read free space of " + path + ": " + e.getMessage());
                }
            }

            @Override
            public String describe() {
                return "disk_free_percent(" + path + ")";
            }
        };
    }

    /**
     * Hours until the file system holding {@code path} is full at the trend of the window (a
     * least-squares line through the samples); +∞ when usable space is not shrinking, NaN until
     * the window holds samples spanning at least half of it.
     *
     * @param path any path on the file system
     * @param window how far back the trend looks, e.g. 1 hour
     * @return the signal
     */
    public static Signal diskHoursUntilFull(Path path, Duration window) {
        Objects.requireNonNull(path, "path");
        requireWindow(window);
        SampleWindow samples = new SampleWindow(window);
        return new Signal() {
            @Override
            public boolean mayBlock() {
                return true;
            }

            @Override
            public double read(MetricRegistry metrics, HealthCheckRegistry health, Instant now) {
                try {
                    return samples.hoursUntilZero(now, store(path).getUsableSpace());
                } catch (IOException e) {
                    throw new Signal.SignalException("cannot read free space of " + path + ": " + e.getMessage());
                }
            }

            @Override
            public String describe() {
                return "disk_hours_until_full(" + path + ")";
            }
        };
    }

    private static FileStore store(Path path) {
        try {
            return Files.getFileStore(path);
        } catch (IOException e) {
            throw new Signal.SignalException("cannot read the file system of " + path + ": " + e.getMessage());
        }
    }

    static double gaugeValue(MetricRegistry metrics, String name) {
        Metric m = metrics.getMetrics().get(name);
        if (!(m instanceof Gauge)) {
            throw missing(name, m, "a gauge");
        }
        Object value = ((Gauge<?>) m).getValue();
        if (!(value instanceof Number)) {
            throw new Signal.SignalException("gauge '" + name + "' is not numeric (it holds "
                    + (value == null ? "null" : value.getClass().getSimpleName()) + ")");
        }
        return ((Number) value).doubleValue();
    }

    static long count(MetricRegistry metrics, String name) {
        Metric m = metrics.getMetrics().get(name);
        if (m instanceof Counter) {
            return ((Counter) m).getCount();
        }
        if (m instanceof Meter) {
            return ((Meter) m).getCount();
        }
        if (m instanceof Timer) {
            return ((Timer) m).getCount();
        }
        if (m instanceof Histogram) {
            return ((Histogram) m).getCount();
        }
        throw missing(name, m, "a counter, meter, timer or histogram");
    }

    private static Signal.SignalException missing(String name, Metric found, String expected) {
        return new Signal.SignalException(found == null
                ? "no metric named '" + name + "' in the registry (expected " + expected + ")"
                : "metric '" + name + "' is a " + found.getClass().getSimpleName() + ", expected " + expected);
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metric / check name must not be empty");
        }
    }

    private static void requireWindow(Duration window) {
        if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("window must be at least 1 s, got " + window);
        }
    }
}
