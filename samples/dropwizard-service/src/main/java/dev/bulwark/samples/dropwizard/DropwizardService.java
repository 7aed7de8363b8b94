package dev.bulwark.samples.dropwizard;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupScheduler;
import dev.bulwark.jwt.Argon2idPasswordHasher;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolSettings;
import dev.bulwark.samples.support.ContractMetrics;
import dev.bulwark.samples.support.Notes;
import dev.bulwark.samples.support.RequestCountingFilter;
import dev.bulwark.samples.support.SampleModules;
import dev.bulwark.samples.support.SampleSandbox;
import dev.bulwark.samples.support.ServiceSettings;
import dev.bulwark.samples.support.Users;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.util.Duration;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The hardened service's HTTP contract ({@code shared/DESIGN.md}) on Dropwizard 5: the Bulwark
 * modules on the environment's {@link MetricRegistry} and {@link HealthCheckRegistry}, each
 * running module (pool, backup scheduler, alert engine, sandbox) closed on stop by an
 * {@link AutoCloseableManager}, jwt-cookies' servlet filter on Jetty, the endpoints as
 * Jersey resources. Same environment variables as the other samples ({@code PORT},
 * {@code BIND_ADDRESS}, {@code DATA_DIR}, {@code DEMO_PASSWORD}, {@code DEMO_TRADER_PASSWORD},
 * {@code HTTP_READ_TIMEOUT_SECONDS}, the modules' own).
 */
public final class DropwizardService extends Application<ServiceConfiguration> {

    /** The embedded default configuration, a class-path resource. */
    static final String DEFAULT_CONFIG = "dropwizard-service.yml";

    private final boolean embeddedConfig;

    DropwizardService(boolean embeddedConfig) {
        this.embeddedConfig = embeddedConfig;
    }

    /**
     * Runs the service. Without arguments: {@code server} with the embedded configuration; with
     * arguments, Dropwizard's usual command line ({@code server my.yml}, {@code check my.yml}).
     *
     * @param args none, or Dropwizard's command line
     * @throws Exception when the service cannot start
     */
    public static void main(String[] args) throws Exception {
        boolean embedded = args.length == 0;
        new DropwizardService(embedded).run(embedded ? new String[] {"server", DEFAULT_CONFIG} : args);
    }

    @Override
    public String getName() {
        return "bulwark-dropwizard-service";
    }

    @Override
    public void initialize(Bootstrap<ServiceConfiguration> bootstrap) {
        if (embeddedConfig) {
            bootstrap.setConfigurationSourceProvider(new ResourceConfigurationSourceProvider());
        }
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(bootstrap.getConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)));
    }

    @Override
    public void run(ServiceConfiguration configuration, Environment environment) throws IOException {
        ServiceSettings settings = ServiceSettings.from(System.getenv());
        connector(configuration, settings);
        // Jetty, once it is starting: its application connector's port (PORT, or the one it picked
        // for PORT=0) gives the default allowed origin, asked at the first request.
        AtomicReference<Server> jetty = new AtomicReference<>();
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    jetty.set(server);
                    // Jetty's own error page (malformed requests, before Jersey) as the contract's JSON.
                    server.setErrorHandler(new JsonErrorHandler());
                }
            }
        });
        IntSupplier boundPort = () -> applicationPort(jetty.get());
        MetricRegistry metrics = environment.metrics();
        HealthCheckRegistry healthChecks = environment.healthChecks();
        Clock clock = Clock.systemUTC();

        // db-pool: registers its metrics and its health check; closed last (managed first).
        PoolSettings poolSettings = PoolSettings.fromEnvironment(settings.env());
        ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(poolSettings, metrics, healthChecks);
        environment.lifecycle().manage(new AutoCloseableManager(pool));
        HikariDataSource dataSource = pool.dataSource();
        Notes notes = new Notes(dataSource, clock).createTable();

        // jwt-cookies: the authenticator, the login guard, the users' Argon2id hashes.
        JwtCookieAuth auth = JwtCookieAuth.create(settings.jwtSettings(boundPort),
                SampleModules.tokenStore(poolSettings, dataSource), metrics);
        LoginGuard loginGuard = LoginGuard.create(settings.loginGuardSettings(boundPort),
                SampleModules.throttleStore(poolSettings, dataSource), metrics);
        Users users = Users.create(settings, Argon2idPasswordHasher.fromEnvironment(settings.env()));

        // backup and alerting: running from their builders, closed on stop as the pool (a running
        // backup finishes first).
        BackupManager backups = SampleModules.backups(settings, poolSettings, dataSource, metrics, healthChecks);
        environment.lifecycle().manage(new AutoCloseableManager(BackupScheduler.create(backups)));
        AlertEngine alerts = SampleModules.alertEngine(settings, poolSettings, dataSource, metrics, healthChecks);
        environment.lifecycle().manage(new AutoCloseableManager(alerts));

        // sandbox-seccomp: or the reason there is none (503); closed on stop.
        SampleSandbox sandbox = SampleSandbox.create(settings.env(), metrics);
        environment.lifecycle().manage(new AutoCloseableManager(sandbox));

        // Jetty: request counting and security headers first, then jwt-cookies' filter on every
        // path that needs a caller (401/403 JSON, CSRF for unsafe calls).
        environment.servlets().addFilter("request-counting", new RequestCountingFilter(metrics))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.servlets().addFilter("bulwark-jwt", new JwtAuthServletFilter(auth))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true,
                        "/api/*", "/auth/sessions", "/auth/sessions/*", "/sandbox/*");
        // /admin/*: the same filter with the role (403 forbidden without admin), as the other samples
        environment.servlets().addFilter("bulwark-jwt-admin", new JwtAuthServletFilter(auth, "admin"))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/admin/*");

        // Jersey: the caller as the security context, the contract's errors, the endpoints.
        environment.jersey().register(new Caller.Filter());
        environment.jersey().register(new ContractExceptionMappers.Failures());
        environment.jersey().register(new ContractExceptionMappers.Everything());
        environment.jersey().register(new AuthResource(auth, loginGuard, users));
        environment.jersey().register(new ApiResource(notes, sandbox));
        environment.jersey().register(new OperationsResource(healthChecks, pool, new ContractMetrics(metrics)));
        environment.jersey().register(new AdminResource(backups, alerts, clock));

        environment.lifecycle().addServerLifecycleListener(server -> {
            String url = ServiceSettings.url(applicationPort(server));
            System.out.println("Bulwark Dropwizard service listening on " + url);
            for (var connector : server.getConnectors()) {
                if (connector instanceof NetworkConnector n && "admin".equals(n.getName())) {
                    System.out.println("Dropwizard admin (loopback only): http://127.0.0.1:" + n.getLocalPort() + "/");
                }
            }
            System.out.println("Demo user: " + Users.DEMO_USER + (settings.generatedPassword()
                    ? " / password (generated, shown once): " + settings.demoPassword()
                    : " (password from DEMO_PASSWORD)"));
            System.out.println("Open " + url + "/ to log in; Ctrl-C stops the service.");
        });
    }

    /** The port of Jetty's application connector (0 before it is open). */
    private static int applicationPort(Server server) {
        if (server != null) {
            for (var connector : server.getConnectors()) {
                if (connector instanceof NetworkConnector n && !"admin".equals(n.getName()) && n.getLocalPort() > 0) {
                    return n.getLocalPort();
                }
            }
        }
        return 0;
    }

    /**
     * The application connector from the contract's variables: PORT, BIND_ADDRESS, and
     * HTTP_READ_TIMEOUT_SECONDS as Jetty's idle timeout (a client that stops sending is cut).
     */
    private static void connector(ServiceConfiguration configuration, ServiceSettings settings) {
        if (!(configuration.getServerFactory() instanceof DefaultServerFactory server)
                || server.getApplicationConnectors().size() != 1
                || !(server.getApplicationConnectors().get(0) instanceof HttpConnectorFactory http)) {
            throw new IllegalArgumentException("server: the sample needs 'type: default' with one http application"
                    + " connector (its port, address and timeout come from PORT, BIND_ADDRESS, HTTP_READ_TIMEOUT_SECONDS)");
        }
        http.setPort(settings.port());
        http.setBindHost(settings.bindAddress());
        http.setIdleTimeout(Duration.seconds(settings.readTimeoutSeconds()));
    }
}
