package dev.bulwark.samples.spring;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupScheduler;
import dev.bulwark.jwt.Argon2idPasswordHasher;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import dev.bulwark.micrometer.BulwarkMetrics;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolHealth;
import dev.bulwark.pool.PoolSettings;
import dev.bulwark.samples.support.ContractMetrics;
import dev.bulwark.samples.support.RequestCountingFilter;
import dev.bulwark.samples.support.SampleModules;
import dev.bulwark.samples.support.SampleSandbox;
import dev.bulwark.samples.support.ServiceSettings;
import dev.bulwark.samples.support.Users;
import java.util.function.IntSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Bulwark modules as Spring beans, each with the hook Spring users expect: the pool's
 * {@code DataSource} is the application's, the authentication filter a
 * {@link FilterRegistrationBean}, health as Actuator {@link HealthIndicator}s, metrics bound to
 * Micrometer by {@link BulwarkMetrics}, and one lifecycle for every running module: its builder
 * returns it running and the container's destroy method {@code close} stops it (pool, backup
 * scheduler, alert engine and sandbox, in reverse dependency order: pool last).
 */
@Configuration(proxyBeanMethods = false)
class BulwarkConfiguration {

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

    /**
     * The port Tomcat listens on, once it does (0 before): the default allowed origin is the
     * service's own, asked at the first request, so {@code PORT=0} needs no port picked in advance.
     */
    @Bean
    IntSupplier boundPort(ApplicationContext context) {
        return () -> {
            WebServer server = context instanceof WebServerApplicationContext web ? web.getWebServer() : null;
            return server == null ? 0 : server.getPort();
        };
    }

    @Bean
    JwtCookieAuth jwtCookieAuth(ServiceSettings settings, IntSupplier boundPort, PoolSettings poolSettings,
            HikariDataSource dataSource, MetricRegistry metrics) {
        return JwtCookieAuth.create(settings.jwtSettings(boundPort),
                SampleModules.tokenStore(poolSettings, dataSource), metrics);
    }

    /**
     * The login defence: JSON only, no cross-site or foreign origin, attempts throttled per user
     * name and client; counted in the database (shared by every replica) when DB_URL is set.
     */
    @Bean
    LoginGuard loginGuard(ServiceSettings settings, IntSupplier boundPort, PoolSettings poolSettings,
            HikariDataSource dataSource, MetricRegistry metrics) {
        return LoginGuard.create(settings.loginGuardSettings(boundPort),
                SampleModules.throttleStore(poolSettings, dataSource), metrics);
    }

    /** The sample's users with Argon2id-hashed passwords (JWT_ARGON2_* tune the hasher). */
    @Bean
    Users users(ServiceSettings settings) {
        return Users.create(settings, Argon2idPasswordHasher.fromEnvironment(settings.env()));
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

    /** Backups of the service's own database; its health check is registered as {@code bulwark.backup}. */
    @Bean
    BackupManager backupManager(ServiceSettings settings, PoolSettings poolSettings, HikariDataSource ds,
            MetricRegistry metrics, HealthCheckRegistry healthChecks) {
        return SampleModules.backups(settings, poolSettings, ds, metrics, healthChecks);
    }

    /** Scheduled backups; a running one finishes when the context closes. */
    @Bean(destroyMethod = "close")
    BackupScheduler backupScheduler(BackupManager backups) {
        return BackupScheduler.create(backups);
    }

    /** The alert engine, running (evaluates every ALERT_EVALUATION_INTERVAL_SECONDS until closed). */
    @Bean(destroyMethod = "close")
    AlertEngine alertEngine(ServiceSettings settings, PoolSettings poolSettings, HikariDataSource ds, MetricRegistry metrics,
            HealthCheckRegistry healthChecks, BackupManager backups) {
        return SampleModules.alertEngine(settings, poolSettings, ds, metrics, healthChecks);
    }

    @Bean(destroyMethod = "close")
    SampleSandbox sandbox(ServiceSettings settings, MetricRegistry metrics) {
        return SampleSandbox.create(settings.env(), metrics);
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
