package dev.bulwark.samples.support;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.AlertRule;
import dev.bulwark.alerting.AlertingSettings;
import dev.bulwark.alerting.InhibitRule;
import dev.bulwark.alerting.RulePack;
import dev.bulwark.alerting.Severity;
import dev.bulwark.alerting.Signals;
import dev.bulwark.backup.BackupLock;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.jwt.InMemoryThrottleStore;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JdbcThrottleStore;
import dev.bulwark.jwt.JdbcTokenStore;
import dev.bulwark.jwt.ThrottleStore;
import dev.bulwark.jwt.TokenStore;
import dev.bulwark.pool.PoolSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The choices every sample makes the same way, whatever wires them: in-memory stores on the
 * embedded database and JDBC stores (shared by replicas) with {@code DB_URL}; H2 or
 * {@code pg_dump} backups; the alert rules.
 */
public final class SampleModules {

    /** The request meter the error-rate alert reads. */
    public static final String REQUESTS = "bulwark.http.requests";
    /** The server-error meter the error-rate alert reads. */
    public static final String SERVER_ERRORS = "bulwark.http.responses.5xx";

    private SampleModules() {
    }

    /**
     * Refresh-token families and revocations: in memory on the embedded database, else in it.
     *
     * @param pool the pool's settings
     * @param dataSource the pool
     * @return the store
     */
    public static TokenStore tokenStore(PoolSettings pool, HikariDataSource dataSource) {
        return pool.embedded() ? new InMemoryTokenStore() : new JdbcTokenStore(dataSource).createTables();
    }

    /**
     * Login attempts: in memory on the embedded database, else in it (shared by every replica).
     *
     * @param pool the pool's settings
     * @param dataSource the pool
     * @return the store
     */
    public static ThrottleStore throttleStore(PoolSettings pool, HikariDataSource dataSource) {
        return pool.embedded() ? new InMemoryThrottleStore() : new JdbcThrottleStore(dataSource).createTables();
    }

    /**
     * Backups of the service's own database: H2 by default, {@code pg_dump} under a PostgreSQL
     * advisory lock with {@code DB_URL}; its health check is registered as {@value BackupManager#HEALTH_CHECK_NAME}.
     *
     * @param settings the sample's settings ({@code BACKUP_*})
     * @param pool the pool's settings
     * @param ds the pool
     * @param metrics where the backup metrics go
     * @param healthChecks where its health check goes
     * @return the manager
     */
    public static BackupManager backups(ServiceSettings settings, PoolSettings pool, HikariDataSource ds,
            MetricRegistry metrics, HealthCheckRegistry healthChecks) {
        BackupSettings backup = BackupSettings.fromEnvironment(settings.env());
        BackupSource source = pool.embedded()
                ? BackupSource.h2(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword())
                : BackupSource.postgres(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword(), backup);
        BackupManager.Builder b = BackupManager.builder(source, backup.openStore()).settings(backup).metrics(metrics)
                .healthChecks(healthChecks);
        if (!pool.embedded()) {
            b.lock(BackupLock.postgres(ds));
        }
        return b.build();
    }

    /**
     * The alert engine with the sample's rules, running (close it at shutdown, as the pool and
     * the backup scheduler). Per-instance rules carry this
     * replica's {@code instance} label ({@code ALERT_INSTANCE}, else {@code HOSTNAME}, else
     * host:PORT, or host:pid with PORT=0); {@code BackupTooOld} is cluster-scoped: with {@code DB_URL} one leader elected
     * through an advisory lock evaluates it and the state lives in the database; on the embedded
     * database the state lives under {@code DATA_DIR}.
     *
     * @param settings the sample's settings ({@code ALERT_*}, {@code ALERT_POOL_EXHAUSTED_FOR_SECONDS} (60))
     * @param pool the pool's settings
     * @param ds the pool
     * @param metrics the registry the rules read
     * @param healthChecks the health checks the rules read
     * @return the running engine
     */
    public static AlertEngine alertEngine(ServiceSettings settings, PoolSettings pool, HikariDataSource ds,
            MetricRegistry metrics, HealthCheckRegistry healthChecks) {
        Map<String, String> env = new HashMap<>(settings.env());
        if (!env.containsKey("ALERT_INSTANCE") && !env.containsKey("HOSTNAME")) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            // host:PORT is stable across restarts, unlike host:pid; with PORT=0 the port is not known
            // yet (the server picks it later) and would not be stable either: host:pid then
            env.put("ALERT_INSTANCE", host + ":" + (settings.port() != 0 ? settings.port() : ProcessHandle.current().pid()));
        }
        Duration poolFor = Duration.ofSeconds(seconds(env, "ALERT_POOL_EXHAUSTED_FOR_SECONDS", 60));
        metrics.meter(REQUESTS);
        metrics.meter(SERVER_ERRORS);
        String poolName = pool.poolName();
        AlertEngine.Builder b = AlertEngine.builder(metrics).settings(AlertingSettings.fromEnvironment(env))
                .healthChecks(healthChecks).inhibit(InhibitRule.backendDownMutesItsSymptoms());
        if (pool.embedded()) {
            b.stateDirectory(settings.dataDir());
        } else {
            b.dataSource(ds);
        }
        return b.rules(RulePack.backendDown("bulwark.pool." + poolName).build(),
                        RulePack.highErrorRate(SERVER_ERRORS, REQUESTS).build(),
                        RulePack.dbPoolExhausted(poolName).forDuration(poolFor).build(),
                        RulePack.highQueueDepth("bulwark.alerting.queue.depth", 50).build(),
                        RulePack.diskSpaceLow(settings.dataDir(), 10).build(),
                        RulePack.diskFillingUp(settings.dataDir(), 4).build(),
                        AlertRule.builder("BackupTooOld").signal(Signals.healthy(BackupManager.HEALTH_CHECK_NAME)).below(1)
                                .clusterScoped().forDuration(Duration.ofMinutes(10)).severity(Severity.CRITICAL)
                                .summary("No good backup within the RPO")
                                .description("The newest good backup is older than BACKUP_RPO_HOURS, or there is"
                                        + " none: check /admin/backups and the backup logs.").build())
                .start();
    }

    private static long seconds(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of seconds, 0 or more, got '" + v + "'");
    }
}
