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

    /**
     * A window of samples.
     *
     * @param window how far back samples are kept
     */
    public SampleWindow(Duration window) {
        this.window = window;
    }

    /** Adds a sample; one closer than window/100 to the previous replaces it, so at most ~100 are kept. */
    private void append(Instant now, double value) {
        Sample last = samples.peekLast();
        if (last != null && samples.size() > 1
                && Duration.between(last.at(), now).compareTo(window.dividedBy(100)) < 0) {
            samples.removeLast();
        }
        samples.addLast(new Sample(now, value));
    }

    private void add(Instant now, double value) {
        append(now, value);
        // keep one sample at or before the window start, so the increase spans the whole window
        Instant start = now.minus(window);
        while (samples.size() > 2) {
            Sample first = samples.removeFirst();
            Sample second = samples.peekFirst();
            if (second == null || second.at().isAfter(start)) {
                samples.addFirst(first);
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
     * Returns increase per second over the window, or NaN.
     *
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
        append(now, level);
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
