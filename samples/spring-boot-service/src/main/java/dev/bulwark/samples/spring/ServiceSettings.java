package dev.bulwark.samples.spring;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's settings: the process environment with the defaults the JDK sample gives it
 * (embedded H2 and backups under {@code DATA_DIR}, a persistent JWT secret there, the service's
 * own origin allowed), the port, and the demo user's password.
 *
 * @param env the effective environment the Bulwark modules read ({@code fromEnvironment(Map)})
 * @param dataDir the data directory
 * @param bindAddress the address to listen on ({@code BIND_ADDRESS}, 127.0.0.1)
 * @param port the port ({@code PORT}, 8080; 0 picks a free one here, before the server starts)
 * @param demoPassword the demo user's password
 * @param generatedPassword whether the password was generated (then printed once)
 */
record ServiceSettings(Map<String, String> env, Path dataDir, String bindAddress, int port, String demoPassword,
        boolean generatedPassword) {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceSettings.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    static ServiceSettings from(Map<String, String> processEnv) throws IOException {
        Path dataDir = Path.of(processEnv.getOrDefault("DATA_DIR", "data")).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        String bind = processEnv.getOrDefault("BIND_ADDRESS", "127.0.0.1");
        int port = port(processEnv.getOrDefault("PORT", "8080"), bind);
        Map<String, String> effective = new HashMap<>(processEnv);
        effective.putIfAbsent("DB_EMBEDDED_PATH", dataDir.resolve("bulwark-db").toString());
        if (!effective.containsKey("JWT_SECRET") && !effective.containsKey("JWT_JWKS") && !effective.containsKey("JWT_JWKS_FILE")) {
            effective.put("JWT_SECRET", persistentSecret(dataDir.resolve("jwt-secret")));
        }
        effective.putIfAbsent("JWT_ALLOWED_ORIGINS", "http://localhost:" + port + ",http://127.0.0.1:" + port);
        effective.putIfAbsent("BACKUP_DIR", dataDir.resolve("backups").toString());
        String password = processEnv.get("DEMO_PASSWORD");
        boolean generated = password == null || password.isBlank();
        if (generated) {
            byte[] bytes = new byte[12];
            RANDOM.nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        return new ServiceSettings(Map.copyOf(effective), dataDir, bind, port, password, generated);
    }

    /** The URL the service prints at start. */
    String url() {
        return "http://localhost:" + port;
    }

    byte[] demoPasswordHash() {
        return sha256(demoPassword);
    }

    /**
     * PORT as a number; 0 picks a free port now, because the default allowed origin (the
     * service's own) must be known before the authenticator is built, and Spring knows the port
     * only once the web server has started.
     */
    private static int port(String value, String bind) throws IOException {
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("PORT must be a whole number from 0 to 65535, got '" + value + "'");
        }
        if (port != 0) {
            return port;
        }
        // a port probe: bound and closed at once, it never accepts a connection or carries data
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(bind), 0), 1);
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
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

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ServiceSettings[dataDir=" + dataDir + ", bindAddress=" + bindAddress + ", port=" + port + "]";
    }
}
