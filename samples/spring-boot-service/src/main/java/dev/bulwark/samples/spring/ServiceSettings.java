package dev.bulwark.samples.spring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The sample's settings: the environment with the defaults every sample gives it (embedded H2
 * and backups under {@code DATA_DIR}, a persistent JWT secret there, the service's own origin
 * allowed), the port, the users' passwords — read by {@code samples/sample-support}'s
 * {@link dev.bulwark.samples.support.ServiceSettings}, shared with the Dropwizard sample; this
 * class keeps the accessors this sample's beans use.
 */
final class ServiceSettings {

    private final dev.bulwark.samples.support.ServiceSettings shared;

    private ServiceSettings(dev.bulwark.samples.support.ServiceSettings shared) {
        this.shared = shared;
    }

    static ServiceSettings from(Map<String, String> processEnv) throws IOException {
        return new ServiceSettings(dev.bulwark.samples.support.ServiceSettings.from(processEnv));
    }

    /** The effective environment the Bulwark modules read ({@code fromEnvironment(Map)}). */
    Map<String, String> env() {
        return shared.env();
    }

    /** The data directory. */
    Path dataDir() {
        return shared.dataDir();
    }

    /** The address to listen on ({@code BIND_ADDRESS}, 127.0.0.1). */
    String bindAddress() {
        return shared.bindAddress();
    }

    /** The port ({@code PORT}, 8080; 0 picks a free one before the server starts). */
    int port() {
        return shared.port();
    }

    /** The demo user's password. */
    String demoPassword() {
        return shared.demoPassword();
    }

    /** Whether the password was generated (then printed once). */
    boolean generatedPassword() {
        return shared.generatedPassword();
    }

    /** The optional {@code trader} user's password ({@code DEMO_TRADER_PASSWORD}), or null. */
    String traderPassword() {
        return shared.traderPassword();
    }

    /** The URL the service prints at start. */
    String url() {
        return shared.url();
    }

    @Override
    public String toString() {
        return shared.toString();
    }
}
