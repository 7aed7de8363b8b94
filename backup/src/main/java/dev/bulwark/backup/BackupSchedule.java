package dev.bulwark.backup;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When scheduled backups run: {@code daily 02:30} (or just {@code 02:30}), a five-field Unix cron
 * expression ({@code 30 2 * * *}, parsed by cron-utils), or {@code off}. Times are in the
 * schedule's zone (UTC by default).
 */
public final class BackupSchedule {

    private static final Pattern DAILY = Pattern.compile("(?i)(?:daily\\s+)?(\\d{1,2}):(\\d{2})");

    private final String expression;
    /** The cron expression; null when off. */
    private final String cron;
    /** cron-utils' schedule, built on first use for the daily form (see {@link #parse}). */
    private volatile ExecutionTime executionTime;
    private final ZoneId zone;

    private BackupSchedule(String expression, String cron, ExecutionTime executionTime, ZoneId zone) {
        this.expression = expression;
        this.cron = cron;
        this.executionTime = executionTime;
        this.zone = zone;
    }

    /**
     * Returns the schedule.
     *
     * @param expression {@code daily HH:MM}, {@code HH:MM}, a five-field cron expression or {@code off}
     * @param zone zone the times are in
     * @return the schedule
     * @throws IllegalArgumentException naming BACKUP_SCHEDULE and the accepted forms
     */
    public static BackupSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
        String e = expression.trim();
        if (e.equalsIgnoreCase("off")) {
            return new BackupSchedule("off", null, null, zone);
        }
        Matcher daily = DAILY.matcher(e);
        if (daily.matches()) {
            // valid once the time is: cron-utils (~40 ms of class loading and set-up in a fresh JVM, on
            // the command line's path to pg_dump) is left until the schedule is first asked for a time
            try { // LocalTime.of, not parse: no DateTimeFormatter to set up (~15 ms in a fresh JVM)
                LocalTime t = LocalTime.of(Integer.parseInt(daily.group(1)), Integer.parseInt(daily.group(2)));
                return new BackupSchedule("daily " + t, t.getMinute() + " " + t.getHour() + " * * *", null, zone);
            } catch (DateTimeException ex) {
                throw invalid(expression, ex.getMessage());
            }
        }
        try {
            return new BackupSchedule(e, e, ExecutionTime.forCron(cron(e)), zone);
        } catch (IllegalArgumentException ex) {
            throw invalid(expression, ex.getMessage());
        }
    }

    private static Cron cron(String expression) {
        Cron parsed = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)).parse(expression);
        parsed.validate();
        return parsed;
    }

    /** cron-utils' schedule; null when off. */
    private ExecutionTime executionTime() {
        ExecutionTime t = executionTime;
        if (t == null && cron != null) {
            t = ExecutionTime.forCron(cron(cron)); // made from a valid time: cannot fail
            executionTime = t;
        }
        return t;
    }

    private static IllegalArgumentException invalid(String expression, String problem) {
        return new IllegalArgumentException("backup schedule (BACKUP_SCHEDULE) '" + expression + "' is invalid: "
                + problem + "; use 'daily HH:MM', a five-field cron expression like '30 2 * * *', or 'off'");
    }

    /** Returns whether backups are scheduled at all. */
    public boolean enabled() {
        return cron != null;
    }

    /**
     * Returns the first scheduled time strictly after it, empty when off.
     *
     * @param after an instant
     * @return the first scheduled time strictly after it, empty when off
     */
    public Optional<Instant> next(Instant after) {
        ExecutionTime executionTime = executionTime();
        if (executionTime == null) {
            return Optional.empty();
        }
        return executionTime.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }

    /**
     * Returns the last scheduled time at or before it, empty when off.
     *
     * @param atOrBefore an instant
     * @return the last scheduled time at or before it, empty when off
     */
    public Optional<Instant> previous(Instant atOrBefore) {
        ExecutionTime executionTime = executionTime();
        if (executionTime == null) {
            return Optional.empty();
        }
        ZonedDateTime at = ZonedDateTime.ofInstant(atOrBefore, zone);
        if (executionTime.isMatch(at.withSecond(0).withNano(0)) && at.getSecond() == 0 && at.getNano() == 0) {
            return Optional.of(atOrBefore);
        }
        return executionTime.lastExecution(at).map(ZonedDateTime::toInstant);
    }

    /**
     * The expression this schedule was parsed from, as given.
     *
     * @return e.g. {@code daily 02:00}, a cron expression or {@code off}
     */
    public String expression() {
        return expression;
    }

    /** Returns the zone times are in. */
    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return expression + (cron == null ? "" : " (" + zone + ")");
    }
}
