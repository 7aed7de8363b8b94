package dev.bulwark.samples.spring;

import dev.bulwark.samples.support.ServiceSettings;
import dev.bulwark.samples.support.Users;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The hardened service's HTTP contract ({@code shared/DESIGN.md}) on Spring Boot with embedded
 * Tomcat: the Bulwark modules wired as beans ({@link BulwarkConfiguration}), the contract's
 * endpoints in {@link ContractController}. Same environment variables as the JDK sample:
 * {@code PORT}, {@code BIND_ADDRESS}, {@code DATA_DIR}, {@code DEMO_PASSWORD}, the modules'.
 */
@SpringBootApplication
public class SpringBootService {

    /**
     * Runs the service until it is stopped (Ctrl-C, SIGTERM: Spring closes the beans).
     *
     * @param args Spring Boot arguments (none needed)
     * @throws IOException when the data directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        ServiceSettings settings = ServiceSettings.from(System.getenv());
        SpringApplication app = new SpringApplication(SpringBootService.class);
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("server.port", settings.port());
        defaults.put("server.address", settings.bindAddress());
        // The contract's read timeout (HTTP_READ_TIMEOUT_SECONDS, at most 30 s): Tomcat's
        // connection timeout bounds every wait for request bytes.
        defaults.put("server.tomcat.connection-timeout", settings.readTimeoutSeconds() + "s");
        app.setDefaultProperties(defaults);
        app.addInitializers(context -> context.getBeanFactory().registerSingleton("serviceSettings", settings));
        app.addListeners((ApplicationReadyEvent event) -> {
            // the port Tomcat listens on: PORT, or the one it picked for PORT=0
            WebServer server = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer();
            String url = ServiceSettings.url(server == null ? settings.port() : server.getPort());
            System.out.println("Bulwark Spring Boot service listening on " + url);
            System.out.println("Demo user: " + Users.DEMO_USER + (settings.generatedPassword()
                    ? " / password (generated, shown once): " + settings.demoPassword()
                    : " (password from DEMO_PASSWORD)"));
            System.out.println("Open " + url + "/ to log in; Ctrl-C stops the service.");
        });
        app.run(args);
    }
}
