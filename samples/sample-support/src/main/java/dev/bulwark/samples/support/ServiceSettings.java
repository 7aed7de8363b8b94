package dev.bulwark.samples.support;

import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.jwt.LoginGuardSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings every sample service reads from its environment, with the defaults the JDK sample
 * gives them: embedded H2 and backups under {@code DATA_DIR}, a persistent JWT secret there, the
 * port, the read timeout and the users' passwords; unless {@code JWT_ALLOWED_ORIGINS} is set, the
 * service's own origin is allowed, supplied by the server once it listens
 * ({@link #jwtSettings(IntSupplier)}, {@link #loginGuardSettings(IntSupplier)}), so {@code PORT=0}
 * needs no port picked before the server starts.
 *
 * @param env the effective environment the Bulwark modules read ({@code fromEnvironment(Map)})
 * @param dataDir the data directory ({@code DATA_DIR}, {@code ./data})
 * @param bindAddress the address to listen on ({@code BIND_ADDRESS}, 127.0.0.1)
 * @param port the port to listen on ({@code PORT}, 8080; 0: the server picks a free one when it binds)
 * @param readTimeoutSeconds {@code HTTP_READ_TIMEOUT_SECONDS}, 1 to 30 (30)
 * @param demoPassword the demo user's password ({@code DEMO_PASSWORD}, else generated)
 * @param generatedPassword whether the demo password was generated (then printed once)
 * @param traderPassword the optional {@code trader} user's password ({@code DEMO_TRADER_PASSWORD}), or null
 */
public record ServiceSettings(Map<String, String> env, Path dataDir, String bindAddress, int port, long readTimeoutSeconds,
        String demoPassword, boolean generatedPassword, String traderPassword) {

    /** The longest read timeout the contract allows. */
    public static final long MAX_READ_TIMEOUT_SECONDS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(ServiceSettings.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Validates the settings and copies the environment.
     *
     * @param env the effective environment
     * @param dataDir the data directory
     * @param bindAddress the address to listen on
     * @param port the port
     * @param readTimeoutSeconds the read timeout
     * @param demoPassword the demo user's password
     * @param generatedPassword whether it was generated
     * @param traderPassword the trader's password, or null
     */
    public ServiceSettings {
        env = Map.copyOf(env);
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(demoPassword, "demoPassword");
    }

    /**
     * Reads the settings from an environment, creating {@code DATA_DIR} (and the JWT secret in it).
     *
     * @param processEnv the process environment (normally {@code System.getenv()})
     * @return the settings
     * @throws IOException when the data directory cannot be written
     * @throws IllegalArgumentException when {@code PORT} or {@code HTTP_READ_TIMEOUT_SECONDS} is out of range
     */
    public static ServiceSettings from(Map<String, String> processEnv) throws IOException {
        int port = port(processEnv.getOrDefault("PORT", "8080"));
        Path dataDir = Path.of(processEnv.getOrDefault("DATA_DIR", "data")).toAbsolutePath().normalize();
        long readTimeout = readTimeoutSeconds(processEnv);
        Files.createDirectories(dataDir);
        String bind = processEnv.getOrDefault("BIND_ADDRESS", "127.0.0.1");
        Map<String, String> effective = new HashMap<>(processEnv);
        effective.putIfAbsent("DB_EMBEDDED_PATH", dataDir.resolve("bulwark-db").toString());
        if (!effective.containsKey("JWT_SECRET") && !effective.containsKey("JWT_JWKS") && !effective.containsKey("JWT_JWKS_FILE")) {
            effective.put("JWT_SECRET", persistentSecret(dataDir.resolve("jwt-secret")));
        }
        effective.putIfAbsent("BACKUP_DIR", dataDir.resolve("backups").toString());
        String password = processEnv.get("DEMO_PASSWORD");
        boolean generated = password == null || password.isBlank();
        if (generated) {
            byte[] bytes = new byte[12];
            RANDOM.nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        String trader = processEnv.get("DEMO_TRADER_PASSWORD");
        return new ServiceSettings(effective, dataDir, bind, port, readTimeout, password, generated,
                trader == null || trader.isBlank() ? null : trader);
    }

    /**
     * {@code HTTP_READ_TIMEOUT_SECONDS}: a whole number from 1 to {@value #MAX_READ_TIMEOUT_SECONDS} (default 30).
     *
     * @param env the environment
     * @return the seconds
     * @throws IllegalArgumentException naming the variable and the range when it is out of range
     */
    public static long readTimeoutSeconds(Map<String, String> env) {
        String v = env.get("HTTP_READ_TIMEOUT_SECONDS");
        if (v == null || v.isBlank()) {
            return MAX_READ_TIMEOUT_SECONDS;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 1 && n <= MAX_READ_TIMEOUT_SECONDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("HTTP_READ_TIMEOUT_SECONDS must be a whole number from 1 to "
                + MAX_READ_TIMEOUT_SECONDS + ", got '" + v + "'");
    }

    /**
     * jwt-cookies' settings from the environment; unless {@code JWT_ALLOWED_ORIGINS} is set, the
     * allowed origins are the service's own ({@link #ownOrigins(int)}), asked of the server at the
     * first request that checks an origin (by then it listens, also on a port it picked itself).
     *
     * @param boundPort the port the server listens on (0 or less while it does not yet)
     * @return the settings
     */
    public JwtSettings jwtSettings(IntSupplier boundPort) {
        JwtSettings fromEnv = JwtSettings.fromEnvironment(env);
        return ownOriginsByDefault() ? fromEnv.toBuilder().allowOrigins(() -> ownOrigins(boundPort.getAsInt())).build() : fromEnv;
    }

    /**
     * The login guard's settings from the environment, with the same default origins as
     * {@link #jwtSettings(IntSupplier)}.
     *
     * @param boundPort the port the server listens on (0 or less while it does not yet)
     * @return the settings
     */
    public LoginGuardSettings loginGuardSettings(IntSupplier boundPort) {
        LoginGuardSettings fromEnv = LoginGuardSettings.fromEnvironment(env);
        return ownOriginsByDefault() ? fromEnv.toBuilder().allowOrigins(() -> ownOrigins(boundPort.getAsInt())).build()
                : fromEnv;
    }

    private boolean ownOriginsByDefault() {
        String set = env.get("JWT_ALLOWED_ORIGINS");
        return set == null || set.isBlank();
    }

    /**
     * The service's own origins on a port: {@code http://localhost:<port>} and {@code http://127.0.0.1:<port>}.
     *
     * @param port the port the server listens on; 0 or less: none yet
     * @return the origins, empty while the port is not known
     */
    public static List<String> ownOrigins(int port) {
        return port > 0 ? List.of("http://localhost:" + port, "http://127.0.0.1:" + port) : List.of();
    }

    /**
     * The URL a service prints at start, e.g. {@code http://localhost:8080}.
     *
     * @param boundPort the port the server listens on
     * @return the URL
     */
    public static String url(int boundPort) {
        return "http://localhost:" + boundPort;
    }

    /** The trader's password, when {@code DEMO_TRADER_PASSWORD} is set. */
    public Optional<String> trader() {
        return Optional.ofNullable(traderPassword);
    }

    /** PORT as a number from 0 to 65535 (0: the server picks a free port when it binds). */
    private static int port(String value) {
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("PORT must be a whole number from 0 to 65535 (0: a free port), got '"
                    + value + "'");
        }
        return port;
    }

    private static String persistentSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String encoded = Base64.getEncoder().encodeToString(secret);
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IOException("no directory for " + file);
        }
        Path tmp = Files.createTempFile(dir, "jwt-secret", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, encoded, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Generated a JWT signing secret in {} (set JWT_SECRET or JWT_JWKS to use your own)", file);
        return encoded;
    }

    /** Never prints the environment (it holds secrets) or a password. */
    @Override
    public String toString() {
        return "ServiceSettings[dataDir=" + dataDir + ", bindAddress=" + bindAddress + ", port=" + port
                + ", readTimeoutSeconds=" + readTimeoutSeconds + ", trader=" + (traderPassword != null) + "]";
    }
}
