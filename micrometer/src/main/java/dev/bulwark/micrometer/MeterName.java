package dev.bulwark.micrometer;

import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Objects;
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

    private static final Pattern HIKARI = Pattern.compile("(.+)\\.pool\\.(TotalConnections|ActiveConnections|IdleConnections"
            + "|PendingConnections|MaxConnections|MinConnections|ConnectionTimeoutRate|Wait|Usage|ConnectionCreation)");
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
    private static final Pattern BULWARK_POOL = Pattern.compile("bulwark\\.pool\\.([^.]+)\\.(.+)");
    private static final Pattern REFUSED = Pattern.compile("bulwark\\.jwt\\.refused\\.(.+)");
    private static final Pattern NOTIFICATIONS = Pattern.compile("bulwark\\.alerting\\.notifications\\.([^.]+)\\.(.+)");

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
        Matcher m = HIKARI.matcher(dropwizardName);
        if (m.matches()) {
            return new MeterName(HIKARI_NAMES.get(m.group(2)), Tags.of("pool", m.group(1)), false);
        }
        m = BULWARK_POOL.matcher(dropwizardName);
        if (m.matches()) {
            String rest = m.group(2);
            String name = "bulwark.pool." + (rest.equals("server.limit") ? "server.limit.connections" : rest);
            return new MeterName(name, Tags.of("pool", m.group(1)), rest.equals("exhaustion.seconds"));
        }
        m = REFUSED.matcher(dropwizardName);
        if (m.matches()) {
            return new MeterName("bulwark.jwt.refused", Tags.of("reason", m.group(1)), false);
        }
        m = NOTIFICATIONS.matcher(dropwizardName);
        if (m.matches()) {
            return new MeterName("bulwark.alerting.notifications." + m.group(1), Tags.of("notifier", m.group(2)), false);
        }
        return new MeterName(dropwizardName, Tags.empty(), false);
    }
}
