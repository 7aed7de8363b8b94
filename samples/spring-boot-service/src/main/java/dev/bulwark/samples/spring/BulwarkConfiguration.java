package dev.bulwark.samples.spring;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.AlertRule;
import dev.bulwark.alerting.AlertingSettings;
import dev.bulwark.alerting.RulePack;
import dev.bulwark.alerting.Severity;
import dev.bulwark.alerting.Signals;
import dev.bulwark.backup.BackupLock;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupScheduler;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.jwt.Argon2idPasswordHasher;
import dev.bulwark.jwt.InMemoryThrottleStore;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JdbcThrottleStore;
import dev.bulwark.jwt.JdbcTokenStore;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.LoginGuardSettings;
import dev.bulwark.jwt.ThrottleStore;
import dev.bulwark.jwt.TokenStore;
import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import dev.bulwark.micrometer.BulwarkMetrics;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolHealth;
import dev.bulwark.pool.PoolSettings;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Bulwark modules as Spring beans, each with the hook Spring users expect: the pool's
 * {@code DataSource} is the application's, the authentication filter a
 * {@link FilterRegistrationBean}, health as Actuator {@link HealthIndicator}s, metrics bound to
 * Micrometer by {@link BulwarkMetrics}, and every start/stop through the container (destroy
 * methods close pool, scheduler, alert engine and sandbox, in reverse dependency order).
 */
@Configuration(proxyBeanMethods = false)
class BulwarkConfiguration {

    /** The health check of the backups: reported, but an old backup is no reason to stop serving. */
    static final String BACKUP_HEALTH = "bulwark.backup";
    /** Actuator status of a failing non-critical check (ordered below UP in application.properties). */
    static final Status WARN = new Status("WARN");

    @Bean
    MetricRegistry metricRegistry() {
        return new MetricRegistry();
    }

    @Bean
    HealthCheckRegistry healthCheckRegistry() {
        return new HealthCheckRegistry();
    }

    @Bean
    PoolSettings poolSettings(ServiceSettings settings) {
        return PoolSettings.fromEnvironment(settings.env());
    }

    @Bean(destroyMethod = "close")
    ConnectionPoolMonitor connectionPool(PoolSettings poolSettings, MetricRegistry metrics, HealthCheckRegistry healthChecks) {
        return ConnectionPoolMonitor.create(poolSettings, metrics, healthChecks);
    }

    /** The application's DataSource: Spring Boot's own pool auto-configuration backs off. Closed by the monitor. */
    @Bean(destroyMethod = "")
    HikariDataSource dataSource(ConnectionPoolMonitor pool) {
        return pool.dataSource();
    }

    @Bean
    NotesRepository notesRepository(JdbcTemplate jdbc) {
        return new NotesRepository(jdbc).createTable();
    }

    @Bean
    JwtCookieAuth jwtCookieAuth(ServiceSettings settings, PoolSettings poolSettings, HikariDataSource dataSource,
            MetricRegistry metrics) {
        TokenStore store = poolSettings.embedded() ? new InMemoryTokenStore() : new JdbcTokenStore(dataSource).createTables();
        return JwtCookieAuth.create(JwtSettings.fromEnvironment(settings.env()), store, metrics);
    }

    /**
     * The login defence: JSON only, no cross-site or foreign origin, attempts throttled per user
     * name and client; counted in the database (shared by every replica) when DB_URL is set.
     */
    @Bean
    LoginGuard loginGuard(ServiceSettings settings, PoolSettings poolSettings, HikariDataSource dataSource,
            MetricRegistry metrics) {
        ThrottleStore throttle = poolSettings.embedded() ? new InMemoryThrottleStore()
                : new JdbcThrottleStore(dataSource).createTables();
        return LoginGuard.create(LoginGuardSettings.fromEnvironment(settings.env()), throttle, metrics);
    }

    /** The sample's users with Argon2id-hashed passwords (JWT_ARGON2_* tune the hasher). */
    @Bean
    DemoUsers demoUsers(ServiceSettings settings) {
        return DemoUsers.create(Argon2idPasswordHasher.fromEnvironment(settings.env()), settings.demoPassword(),
                settings.env().get(DemoUsers.TRADER_PASSWORD_VARIABLE));
    }

    /** Security headers and the request counters the alert rules read; first in the chain. */
    @Bean
    FilterRegistrationBean<RequestCountingFilter> requestCountingFilter(MetricRegistry metrics) {
        FilterRegistrationBean<RequestCountingFilter> r = new FilterRegistrationBean<>(new RequestCountingFilter(metrics));
        r.addUrlPatterns("/*");
        r.setOrder(0);
        return r;
    }

    /** Bulwark's servlet filter on every path that needs a caller. */
    @Bean
    FilterRegistrationBean<JwtAuthServletFilter> jwtAuthFilter(JwtCookieAuth auth) {
        FilterRegistrationBean<JwtAuthServletFilter> r = new FilterRegistrationBean<>(new JwtAuthServletFilter(auth));
        r.addUrlPatterns("/api/*", "/auth/sessions", "/auth/sessions/*", "/sandbox/*");
        r.setOrder(10);
        return r;
    }

    /** {@code /admin/*}: the same filter with the role variant (403 {@code forbidden} without {@code admin}). */
    @Bean
    FilterRegistrationBean<JwtAuthServletFilter> adminAuthFilter(JwtCookieAuth auth) {
        FilterRegistrationBean<JwtAuthServletFilter> r = new FilterRegistrationBean<>(new JwtAuthServletFilter(auth, "admin"));
        r.addUrlPatterns("/admin/*");
        r.setOrder(10);
        return r;
    }

    @Bean
    BackupManager backupManager(ServiceSettings settings, PoolSettings poolSettings, HikariDataSource ds,
            MetricRegistry metrics, HealthCheckRegistry healthChecks) {
        BackupSettings backup = BackupSettings.fromEnvironment(settings.env());
        BackupSource source = poolSettings.embedded()
                ? BackupSource.h2(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword())
                : BackupSource.postgres(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword(), backup);
        BackupManager.Builder b = BackupManager.builder(source, backup.openStore()).settings(backup).metrics(metrics);
        if (!poolSettings.embedded()) {
            b.lock(BackupLock.postgres(ds));
        }
        BackupManager manager = b.build();
        healthChecks.register(BACKUP_HEALTH, manager.healthCheck());
        return manager;
    }

    /** Scheduled backups; a running one finishes when the context closes. */
    @Bean(destroyMethod = "close")
    BackupScheduler backupScheduler(BackupManager backups) {
        return BackupScheduler.create(backups);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    AlertEngine alertEngine(ServiceSettings settings, PoolSettings poolSettings, MetricRegistry metrics,
            HealthCheckRegistry healthChecks, BackupManager backups) {
        String poolName = poolSettings.poolName();
        Duration poolFor = Duration.ofSeconds(Long.parseLong(settings.env().getOrDefault("ALERT_POOL_EXHAUSTED_FOR_SECONDS", "60")));
        return AlertEngine.builder(metrics).settings(AlertingSettings.fromEnvironment(settings.env())).healthChecks(healthChecks)
                .rules(RulePack.backendDown("bulwark.pool." + poolName).build(),
                        RulePack.highErrorRate(RequestCountingFilter.SERVER_ERRORS, RequestCountingFilter.REQUESTS).build(),
                        RulePack.dbPoolExhausted(poolName).forDuration(poolFor).build(),
                        RulePack.highQueueDepth("bulwark.alerting.queue.depth", 50).build(),
                        RulePack.diskSpaceLow(settings.dataDir(), 10).build(),
                        RulePack.diskFillingUp(settings.dataDir(), 4).build(),
                        AlertRule.builder("BackupTooOld").signal(Signals.healthy(BACKUP_HEALTH)).below(1)
                                .forDuration(Duration.ofMinutes(10)).severity(Severity.CRITICAL)
                                .summary("No good backup within the RPO")
                                .description("The newest good backup is older than BACKUP_RPO_HOURS, or there is"
                                        + " none: check /admin/backups and the backup logs.").build())
                .build();
    }

    @Bean(destroyMethod = "close")
    SandboxHolder sandbox(ServiceSettings settings, MetricRegistry metrics) {
        return SandboxHolder.create(settings.env(), metrics);
    }

    /** The Bulwark series in Micrometer (/actuator/prometheus): Boot binds every MeterBinder bean. */
    @Bean
    BulwarkMetrics bulwarkMetrics(MetricRegistry metrics) {
        return new BulwarkMetrics(metrics);
    }

    /** The contract's /metrics: the same exposition as the JDK sample. */
    @Bean
    ContractMetrics contractMetrics(MetricRegistry metrics) {
        return new ContractMetrics(metrics);
    }

    /** Actuator health component {@code dbPool}: the pool monitor's verdict. */
    @Bean
    HealthIndicator dbPoolHealthIndicator(ConnectionPoolMonitor pool) {
        return () -> {
            PoolHealth h = pool.check();
            Health.Builder b = h.status() == PoolHealth.Status.UNHEALTHY ? Health.down() : Health.up();
            return b.withDetail("status", h.status().name()).withDetail("active", h.active())
                    .withDetail("pending", h.pending()).withDetail("maximumPoolSize", h.maximumPoolSize()).build();
        };
    }

    /** Actuator health component {@code backup}: WARN (not DOWN) when no good backup is within the RPO. */
    @Bean
    HealthIndicator backupHealthIndicator(BackupManager backups) {
        return () -> {
            HealthCheck.Result r = backups.healthCheck().execute();
            return Health.status(r.isHealthy() ? Status.UP : WARN).withDetail("message", String.valueOf(r.getMessage()))
                    .build();
        };
    }
}
