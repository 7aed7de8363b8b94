package dev.bulwark.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the test services are and whether they answer. Addresses come from environment
 * variables (defaults match {@code scripts/test-services.sh}):
 *
 * <table>
 *   <caption>Service locations</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code DOCKER_HOST}</td><td>{@code unix:///var/run/docker.sock}</td></tr>
 *   <tr><td>{@code BULWARK_PG_URL}</td><td>{@code jdbc:postgresql://127.0.0.1:5432/bulwark}</td></tr>
 *   <tr><td>{@code BULWARK_PG_USER} / {@code BULWARK_PG_PASSWORD}</td><td>{@code bulwark} / {@code bulwark}</td></tr>
 *   <tr><td>{@code BULWARK_ALERTMANAGER_URL}</td><td>{@code http://127.0.0.1:9093}</td></tr>
 *   <tr><td>{@code BULWARK_REQUIRE_SERVICES}</td><td>{@code false}: skip instead of fail</td></tr>
 * </table>
 */
public final class TestServices {

    /** Environment variable that turns a missing service from a skip into a failure. */
    public static final String REQUIRE_SERVICES = "BULWARK_REQUIRE_SERVICES";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final Function<String, String> env;
    private final Map<Service, Availability> cache = new EnumMap<>(Service.class);
    private final Object lock = new Object();

    /**
     * Creates a view over the given environment (tests pass a map's {@code get}).
     *
     * @param env looks up an environment variable; returns null when unset
     */
    public TestServices(Function<String, String> env) {
        this.env = env;
    }

    /** The services as seen from this process' environment (a new, unprobed view). */
    public static TestServices fromEnvironment() {
        return new TestServices(System::getenv);
    }

    /** True when {@code BULWARK_REQUIRE_SERVICES} (or system property {@code bulwark.requireServices}) is {@code true}. */
    public boolean servicesRequired() {
        String value = env.apply(REQUIRE_SERVICES);
        if (value == null) {
            value = System.getProperty("bulwark.requireServices");
        }
        return "true".equalsIgnoreCase(value == null ? "" : value.trim());
    }

    /** JDBC URL of the test PostgreSQL database. */
    public static String postgresUrl() {
        return fromEnvironment().get("BULWARK_PG_URL", "jdbc:postgresql://127.0.0.1:5432/bulwark");
    }

    /** User of the test PostgreSQL database (it may create databases). */
    public static String postgresUser() {
        return fromEnvironment().get("BULWARK_PG_USER", "bulwark");
    }

    /** Password of the test PostgreSQL user. */
    public static String postgresPassword() {
        return fromEnvironment().get("BULWARK_PG_PASSWORD", "bulwark");
    }

    /** Base URL of the test Alertmanager, without a trailing slash. */
    public static String alertmanagerUrl() {
        return fromEnvironment().get("BULWARK_ALERTMANAGER_URL", "http://127.0.0.1:9093").replaceAll("/+$", "");
    }

    /** The Docker engine address, as docker-java understands it. */
    public static String dockerHost() {
        return fromEnvironment().get("DOCKER_HOST", "unix:///var/run/docker.sock");
    }

    private static final String DEFAULT_DOCKER_TLS_HOST = "tcp://127.0.0.1:2376";
    private static final String DEFAULT_DOCKER_TLS_CERTS = "/var/tmp/bulwark-services/docker-tls/client";

    /** The TLS-protected test engine ({@code BULWARK_DOCKER_TLS_HOST}, default {@code tcp://127.0.0.1:2376}). */
    public static String dockerTlsHost() {
        return fromEnvironment().get("BULWARK_DOCKER_TLS_HOST", DEFAULT_DOCKER_TLS_HOST);
    }

    /** Its client certificates: ca.pem, cert.pem, key.pem ({@code BULWARK_DOCKER_TLS_CERTS}). */
    public static String dockerTlsCerts() {
        return fromEnvironment().get("BULWARK_DOCKER_TLS_CERTS", DEFAULT_DOCKER_TLS_CERTS);
    }

    /**
     * Probes a service once per process (the answer is cached).
     *
     * @param service the service to look for
     * @return whether it answered, with what was seen
     */
    public Availability probe(Service service) {
        synchronized (lock) {
            return cache.computeIfAbsent(service, this::probeNow);
        }
    }

    private Availability probeNow(Service service) {
        switch (service) {
            case DOCKER:
                return probeDocker(get("DOCKER_HOST", "unix:///var/run/docker.sock"));
            case DOCKER_TLS: {
                Path certs = Path.of(get("BULWARK_DOCKER_TLS_CERTS", DEFAULT_DOCKER_TLS_CERTS));
                if (!Files.isReadable(certs.resolve("key.pem"))) {
                    return Availability.down(service, "no client certificates in " + certs
                            + " (scripts/test-services.sh makes them)");
                }
                URI uri = URI.create(get("BULWARK_DOCKER_TLS_HOST", DEFAULT_DOCKER_TLS_HOST));
                Availability tcp = probeTcp(service, uri.getHost(), uri.getPort());
                return tcp.available() ? Availability.up(service, "TLS engine at " + uri + ", certificates in " + certs) : tcp;
            }
            case POSTGRESQL:
                return probePostgres(get("BULWARK_PG_URL", "jdbc:postgresql://127.0.0.1:5432/bulwark"));
            case PG_SERVER:
                return ThrowawayPostgres.probe();
            case PG_TOOLS:
                return probeExecutables(service, "pg_dump", "pg_restore", "psql");
            case PROMTOOL:
                return probeExecutables(service, "promtool");
            case ALERTMANAGER:
                return probeHttp(service, get("BULWARK_ALERTMANAGER_URL", "http://127.0.0.1:9093") + "/-/ready");
            case CHROMIUM:
                return probeExecutables(service, "chromium", "chromedriver");
            default:
                throw new IllegalArgumentException("no probe for " + service);
        }
    }

    String get(String name, String fallback) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static Availability probeDocker(String dockerHost) {
        URI uri = URI.create(dockerHost);
        String request = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
        try {
            String response;
            if ("unix".equals(uri.getScheme())) {
                Path socket = Path.of(uri.getPath());
                if (!Files.exists(socket)) {
                    return Availability.down(Service.DOCKER, "no socket at " + socket + " (is dockerd running?)");
                }
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                    response = readSome(Channels.newInputStream(channel));
                }
            } else if ("tcp".equals(uri.getScheme()) || "http".equals(uri.getScheme())) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) PROBE_TIMEOUT.toMillis());
                    socket.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
                    OutputStream out = socket.getOutputStream();
                    out.write(request.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    response = readSome(socket.getInputStream());
                }
            } else {
                return Availability.down(Service.DOCKER, "unsupported DOCKER_HOST scheme: " + dockerHost);
            }
            if (response.startsWith("HTTP/1.") && response.contains(" 200 ") && response.endsWith("OK")) {
                return Availability.up(Service.DOCKER, "engine at " + dockerHost);
            }
            return Availability.down(Service.DOCKER, "engine at " + dockerHost + " answered /_ping with: "
                    + response.lines().findFirst().orElse("(nothing)"));
        } catch (IOException | RuntimeException e) {
            return Availability.down(Service.DOCKER, "cannot reach engine at " + dockerHost + ": " + e);
        }
    }

    private static String readSome(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(4096);
        return new String(bytes, StandardCharsets.US_ASCII).trim();
    }

    static Availability probePostgres(String jdbcUrl) {
        String prefix = "jdbc:postgresql://";
        if (!jdbcUrl.startsWith(prefix)) {
            return Availability.down(Service.POSTGRESQL, "BULWARK_PG_URL is not a jdbc:postgresql:// URL: " + jdbcUrl);
        }
        URI uri = URI.create("postgresql://" + jdbcUrl.substring(prefix.length()));
        String host = Optional.ofNullable(uri.getHost()).orElse("127.0.0.1");
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return probeTcp(Service.POSTGRESQL, host, port);
    }

    static Availability probeTcp(Service service, String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
            return Availability.up(service, "listening at " + host + ":" + port);
        } catch (IOException e) {
            return Availability.down(service, "nothing listening at " + host + ":" + port + ": " + e.getMessage());
        }
    }

    static Availability probeHttp(Service service, String url) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
            HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(PROBE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
                return Availability.up(service, "ready at " + url);
            }
            return Availability.down(service, url + " answered " + response.statusCode());
        } catch (IOException e) {
            return Availability.down(service, "cannot reach " + url + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Availability.down(service, "interrupted while probing " + url);
        }
    }

    Availability probeExecutables(Service service, String... names) {
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Optional<Path> path = findOnPath(name);
            if (path.isPresent()) {
                found.add(path.get().toString());
            } else {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return Availability.up(service, "found " + String.join(", ", found));
        }
        return Availability.down(service, "not on PATH: " + String.join(", ", missing));
    }

    Optional<Path> findOnPath(String name) {
        String path = get("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
