package dev.bulwark.alerting;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Alertmanager processes of the test's own, clustered on loopback ({@code --cluster.listen-address}
 * / {@code --cluster.peer}), each with its own storage, in front of one webhook receiver. The
 * shared Alertmanager on :9093 is never touched.
 */
final class AlertmanagerCluster implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<String> urls = new ArrayList<>();
    private final Path dir;

    private AlertmanagerCluster(Path dir) {
        this.dir = dir;
    }

    /** The Alertmanager binary on the PATH (Debian names it {@code prometheus-alertmanager}). */
    static Optional<Path> binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : List.of("alertmanager", "prometheus-alertmanager")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code size} clustered Alertmanagers that notify {@code webhook}, grouping by
     * alertname and instance, and waits until every one is ready.
     */
    static AlertmanagerCluster start(int size, URI webhook, Duration peerTimeout) throws IOException, InterruptedException {
        Path bin = binary().orElseThrow(() -> new IOException("no alertmanager binary on the PATH"));
        Path dir = Files.createTempDirectory("bulwark-am-");
        AlertmanagerCluster cluster = new AlertmanagerCluster(dir);
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, String.join("\n",
                "route:",
                "  receiver: hook",
                "  group_by: ['alertname', 'instance']",
                "  group_wait: 1s",
                "  group_interval: 3s",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: hook",
                "    webhook_configs:",
                "      - url: '" + webhook + "'",
                "        send_resolved: true",
                ""), StandardCharsets.UTF_8);
        List<Integer> web = new ArrayList<>();
        List<Integer> gossip = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            web.add(freePort());
            gossip.add(freePort());
        }
        try {
            for (int i = 0; i < size; i++) {
                List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--config.file=" + config,
                        "--storage.path=" + dir.resolve("data-" + i), "--web.listen-address=127.0.0.1:" + web.get(i),
                        "--cluster.listen-address=127.0.0.1:" + gossip.get(i),
                        "--cluster.advertise-address=127.0.0.1:" + gossip.get(i),
                        "--cluster.peer-timeout=" + peerTimeout.toMillis() + "ms", "--cluster.settle-timeout=2s",
                        "--cluster.gossip-interval=50ms", "--cluster.pushpull-interval=1s", "--log.level=info"));
                for (int j = 0; j < size; j++) {
                    if (j != i) {
                        cmd.add("--cluster.peer=127.0.0.1:" + gossip.get(j));
                    }
                }
                cluster.processes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("am-" + i + ".log").toFile()).start());
                cluster.urls.add("http://127.0.0.1:" + web.get(i));
            }
            HttpClient http = HttpClient.newHttpClient();
            for (String url : cluster.urls) {
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!ready(http, url + "/-/ready")) {
                    if (System.nanoTime() > end) {
                        throw new IOException("alertmanager at " + url + " not ready; log: " + cluster.log());
                    }
                    Thread.sleep(50);
                }
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static boolean ready(HttpClient http, String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The base URLs, in start order. */
    List<String> urls() {
        return urls;
    }

    /** The processes' logs, for failure messages. */
    String log() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < processes.size(); i++) {
            try {
                sb.append("\n--- am-").append(i).append('\n').append(Files.readString(dir.resolve("am-" + i + ".log")));
            } catch (IOException e) {
                sb.append(e);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // temporary directory; best effort
        }
    }
}
