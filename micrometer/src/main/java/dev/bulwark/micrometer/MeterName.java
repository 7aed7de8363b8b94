package dev.bulwark.micrometer;

import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Micrometer name and tags of one dropwizard metric of a Bulwark module, and whether a
 * dropwizard gauge is really a running total (then a Micrometer counter).
 *
 * <table>
 *   <caption>Names (first match wins)</caption>
 *   <tr><th>dropwizard name</th><th>Micrometer name</th><th>tags</th></tr>
 *   <tr><td>{@code <pool>.pool.TotalConnections}, {@code ActiveConnections}, {@code IdleConnections},
 *       {@code PendingConnections}, {@code MaxConnections}, {@code MinConnections}</td>
 *       <td>{@code hikaricp.connections}, {@code .active}, {@code .idle}, {@code .pending}, {@code .max}, {@code .min}</td>
 *       <td>{@code pool}</td></tr>
 *   <tr><td>{@code <pool>.pool.ConnectionTimeoutRate}</td><td>{@code hikaricp.connections.timeout} (counter)</td><td>{@code pool}</td></tr>
 *   <tr><td>{@code <pool>.pool.Wait}, {@code Usage}, {@code ConnectionCreation}</td>
 *       <td>{@code hikaricp.connections.acquire}, {@code .usage}, {@code .creation} (timers)</td><td>{@code pool}</td></tr>
 *   <tr><td>{@code bulwark.pool.<pool>.<rest>}</td><td>{@code bulwark.pool.<rest>}
 *       ({@code server.limit} becomes {@code server.limit.connections}; {@code exhaustion.seconds} a counter)</td>
 *       <td>{@code pool}</td></tr>
 *   <tr><td>{@code bulwark.jwt.refused.<reason>}</td><td>{@code bulwark.jwt.refused}</td><td>{@code reason}</td></tr>
 *   <tr><td>{@code bulwark.alerting.notifications.<outcome>.<notifier>}</td>
 *       <td>{@code bulwark.alerting.notifications.<outcome>}</td><td>{@code notifier}</td></tr>
 *   <tr><td>anything else</td><td>the same name</td><td>none</td></tr>
 * </table>
 *
 * @param name the Micrometer meter name (dot-separated, as Micrometer conventions expect)
 * @param tags the tags taken out of the dropwizard name
 * @param runningTotal true when a dropwizard gauge holds a monotonic total (bridged as a counter)
 */
public record MeterName(String name, Tags tags, boolean runningTotal) {

    private static final Map<String, String> HIKARI_NAMES = Map.of(
            "TotalConnections", "hikaricp.connections",
            "ActiveConnections", "hikaricp.connections.active",
            "IdleConnections", "hikaricp.connections.idle",
            "PendingConnections", "hikaricp.connections.pending",
            "MaxConnections", "hikaricp.connections.max",
            "MinConnections", "hikaricp.connections.min",
            "ConnectionTimeoutRate", "hikaricp.connections.timeout",
            "Wait", "hikaricp.connections.acquire",
            "Usage", "hikaricp.connections.usage",
            "ConnectionCreation", "hikaricp.connections.creation");

    /** A dropwizard name pattern and the Micrometer name it gives; the table below is the class javadoc's. */
    private record Rule(Pattern pattern, Function<Matcher, MeterName> name) {
        Rule(String regex, Function<Matcher, MeterName> name) {
            this(Pattern.compile(regex), name);
        }
    }

    /** First match wins; a name no rule matches is kept as it is, without tags. */
    private static final List<Rule> RULES = List.of(
            new Rule("(.+)\\.pool\\.(" + String.join("|", new TreeSet<>(HIKARI_NAMES.keySet())) + ")",
                    m -> new MeterName(HIKARI_NAMES.get(m.group(2)), Tags.of("pool", m.group(1)), false)),
            new Rule("bulwark\\.pool\\.([^.]+)\\.(.+)", m -> new MeterName(
                    "bulwark.pool." + (m.group(2).equals("server.limit") ? "server.limit.connections" : m.group(2)),
                    Tags.of("pool", m.group(1)), m.group(2).equals("exhaustion.seconds"))),
            new Rule("bulwark\\.jwt\\.refused\\.(.+)",
                    m -> new MeterName("bulwark.jwt.refused", Tags.of("reason", m.group(1)), false)),
            new Rule("bulwark\\.alerting\\.notifications\\.([^.]+)\\.(.+)",
                    m -> new MeterName("bulwark.alerting.notifications." + m.group(1), Tags.of("notifier", m.group(2)), false)));

    /**
     * A name with its tags; checks that neither is null.
     *
     * @param name the Micrometer meter name
     * @param tags the tags
     * @param runningTotal whether a gauge is a running total
     */
    public MeterName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tags, "tags");
    }

    /**
     * The Micrometer name of a dropwizard metric registered by a Bulwark module.
     *
     * @param dropwizardName the name in the {@code MetricRegistry}
     * @return its Micrometer name and tags
     */
    public static MeterName of(String dropwizardName) {
        Objects.requireNonNull(dropwizardName, "dropwizardName");
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(dropwizardName);
            if (m.matches()) {
                return rule.name().apply(m);
            }
        }
        return new MeterName(dropwizardName, Tags.empty(), false);
    }
}
