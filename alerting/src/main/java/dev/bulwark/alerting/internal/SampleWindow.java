package dev.bulwark.alerting.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/** Timestamped samples of one number over a sliding window: increase, rate and linear trend. */
public final class SampleWindow {

    private record Sample(Instant at, double value) {
    }

    private final Duration window;
    private final Deque<Sample> samples = new ArrayDeque<>();

    /** @param window how far back samples are kept */
    public SampleWindow(Duration window) {
        this.window = window;
    }

    private void add(Instant now, double value) {
        samples.addLast(new Sample(now, value));
        // keep one sample at or before the window start, so the increase spans the whole window
        while (samples.size() > 2) {
            Sample second = samples.stream().skip(1).findFirst().orElseThrow();
            if (!second.at().isAfter(now.minus(window))) {
                samples.removeFirst();
            } else {
                break;
            }
        }
    }

    /**
     * Adds a sample and returns the increase over the window, NaN until a sample at least one
     * window old exists. A counter reset (value below the oldest) counts from zero.
     *
     * @param now sample time
     * @param value current cumulative count
     * @return increase over the window
     */
    public synchronized double increase(Instant now, double value) {
        add(now, value);
        Sample oldest = samples.peekFirst();
        if (oldest == null || oldest.at().isAfter(now.minus(window))) {
            return Double.NaN;
        }
        return value >= oldest.value() ? value - oldest.value() : value;
    }

    /**
     * @param now sample time
     * @param value current cumulative count
     * @return increase per second over the window, or NaN
     */
    public synchronized double ratePerSecond(Instant now, double value) {
        double increase = increase(now, value);
        return Double.isNaN(increase) ? Double.NaN : increase / Math.max(1, window.toSeconds());
    }

    /**
     * Adds a sample of a level (e.g. free bytes) and extrapolates the least-squares trend.
     *
     * @param now sample time
     * @param level current level
     * @return hours until the level reaches zero; +∞ if it is not falling; NaN while the samples
     *         span less than half the window
     */
    public synchronized double hoursUntilZero(Instant now, double level) {
        samples.addLast(new Sample(now, level));
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(now.minus(window))) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        if (samples.size() < 2 || first == null
                || Duration.between(first.at(), now).compareTo(window.dividedBy(2)) < 0) {
            return Double.NaN;
        }
        double n = samples.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Sample s : samples) {
            double x = Duration.between(first.at(), s.at()).toMillis() / 3_600_000.0;
            sx += x;
            sy += s.value();
            sxx += x * x;
            sxy += x * s.value();
        }
        double denominator = n * sxx - sx * sx;
        if (denominator == 0) {
            return Double.NaN;
        }
        double slopePerHour = (n * sxy - sx * sy) / denominator;
        if (slopePerHour >= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return level / -slopePerHour;
    }
}
