package dev.bulwark.pool.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads, on PostgreSQL, what the server allows and what the replicas of one pool hold: every
 * replica names its connections {@code <pool>:<maximum>:<instance>} ({@code application_name}), so
 * one query finds the backends of all replicas and the maximum each of them may open.
 */
public final class FleetCheck {

    private static final String QUERY = "SELECT current_setting('max_connections')::int AS max_connections, "
            + "current_setting('superuser_reserved_connections')::int AS superuser_reserved, "
            + "COALESCE(NULLIF(current_setting('reserved_connections', true), ''), '0')::int AS reserved, "
            + "(SELECT count(*) FROM pg_stat_activity WHERE datid IS NOT NULL "
            + "   AND (backend_type IS NULL OR backend_type = 'client backend')) AS server_connections, "
            + "a.application_name, a.n "
            + "FROM (SELECT 1) one LEFT JOIN (SELECT application_name, count(*) AS n FROM pg_stat_activity "
            + "   WHERE left(application_name, ?) = ? GROUP BY application_name) a ON true";

    private final String prefix;
    private final int ownMaximum;

    /**
     * A check of one pool's replicas on the server.
     *
     * @param poolName the pool's name (connections of other pools are not counted)
     * @param ownMaximum this replica's maximum, assumed for a replica whose name does not carry one
     */
    public FleetCheck(String poolName, int ownMaximum) {
        this.prefix = poolName + ":";
        this.ownMaximum = ownMaximum;
    }

    /**
     * The {@code application_name} of this replica's connections: {@code <pool>:<maximum>:<instance>},
     * cut to PostgreSQL's 63 bytes (the instance is what gets cut).
     *
     * @param poolName pool name
     * @param maximum this replica's maximum pool size
     * @param instance this replica's instance name
     * @return the name
     */
    public static String applicationName(String poolName, int maximum, String instance) {
        String name = poolName + ":" + maximum + ":" + instance;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /**
     * The {@code application_name} of the check's own short-lived connection (used when the pool has
     * no idle one): {@code <pool>~check:<instance>}, which the pool's prefix does not match.
     *
     * @param poolName pool name
     * @param instance this replica's instance name
     * @return the name, at most 63 characters
     */
    public static String checkName(String poolName, String instance) {
        String name = poolName + "~check:" + instance;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /**
     * Runs the check on a connection to the server.
     *
     * @param connection a connection of the pool
     * @param checkedAtMillis when the check ran
     * @return the figures
     * @throws SQLException when the query fails
     */
    public Result run(Connection connection, long checkedAtMillis) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(QUERY)) {
            st.setInt(1, prefix.length());
            st.setString(2, prefix);
            int maxConnections = 0;
            int superuserReserved = 0;
            int reserved = 0;
            int server = 0;
            int replicas = 0;
            int connections = 0;
            long maximum = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    maxConnections = rs.getInt("max_connections");
                    superuserReserved = rs.getInt("superuser_reserved");
                    reserved = rs.getInt("reserved");
                    server = rs.getInt("server_connections");
                    String name = rs.getString("application_name");
                    if (name != null) {
                        replicas++;
                        connections += rs.getInt("n");
                        maximum += maximumOf(name);
                    }
                }
            }
            return new Result(maxConnections, superuserReserved + reserved, server, replicas, connections,
                    (int) Math.min(Integer.MAX_VALUE, maximum), checkedAtMillis);
        }
    }

    private int maximumOf(String applicationName) {
        int end = applicationName.indexOf(':', prefix.length());
        if (end < 0) {
            return ownMaximum;
        }
        try {
            return Integer.parseInt(applicationName.substring(prefix.length(), end));
        } catch (NumberFormatException e) {
            return ownMaximum;
        }
    }

    /**
     * What the server allows and what the pool's replicas hold.
     *
     * @param maxConnections the server's {@code max_connections}
     * @param reserved slots non-superusers cannot use ({@code superuser_reserved_connections} + {@code reserved_connections})
     * @param serverConnections client connections open on the server, from any client
     * @param replicas replicas of this pool with at least one connection open
     * @param connections connections those replicas hold
     * @param replicasMaximum the maximums of those replicas, added up
     * @param checkedAtMillis when the check ran
     */
    public record Result(int maxConnections, int reserved, int serverConnections, int replicas, int connections,
            int replicasMaximum, long checkedAtMillis) {

        /** Connections the server allows ordinary users: {@code max_connections} minus the reserved slots. */
        public int limit() {
            return maxConnections - reserved;
        }

        /** Whether the replicas' maximums together can exceed what the server allows. */
        public boolean overcommitted() {
            return replicasMaximum > limit();
        }

        /** Whether the server is within 10 % of its limit. */
        public boolean serverNearLimit() {
            return serverConnections >= 0.9 * limit();
        }
    }
}
