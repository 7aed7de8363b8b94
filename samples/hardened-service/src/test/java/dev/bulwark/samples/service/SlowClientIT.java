package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients against the packaged jar, as a separate process (the read timeout is a JVM-wide
 * setting of the JDK server): 60 connections that send half a request and stop must neither
 * starve a normal request nor stay open past the read timeout.
 */
class SlowClientIT {
    private static final int READ_TIMEOUT_SECONDS = 3;
    @TempDir
    static Path dataDir;
    static Process process;
    static int port;

    @BeforeAll
    static void startTheJar() throws Exception {
        Path jar = Path.of("target/bulwark-hardened-service.jar");
        assertThat(jar).as("the packaged sample (mvn package runs before the integration tests)").exists();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        pb.environment().put("PORT", "0");
        pb.environment().put("DATA_DIR", dataDir.toString());
        pb.environment().put("DEMO_PASSWORD", "slow-client-test");
        pb.environment().put("HTTP_READ_TIMEOUT_SECONDS", Integer.toString(READ_TIMEOUT_SECONDS));
        pb.environment().put("SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock");
        pb.environment().put("BACKUP_SCHEDULE", "off");
        pb.redirectErrorStream(true);
        process = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("listening on http://localhost:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                break;
            }
        }
        assertThat(port).as("the sample printed its URL").isPositive();
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        Files.createDirectories(dataDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    @Test
    void halfSentRequestsNeitherStarveOthersNorStayOpenPastTheReadTimeout() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(1000);
                OutputStream o = s.getOutputStream();
                String half = i % 2 == 0
                        ? "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " // headers never finished
                        : "POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 200\r\n\r\n{\"username\":"; // body never finished
                o.write(half.getBytes(StandardCharsets.US_ASCII));
                o.flush();
                slow.add(s);
            }
            Thread.sleep(500); // let the server hand every slow connection to a worker

            long start = System.nanoTime();
            HttpResponse<String> health = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(health.statusCode()).isIn(200, 503);
            assertThat(tookMs).as("a normal request answers at once beside 60 slow ones").isLessThan(2000);

            long cutDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READ_TIMEOUT_SECONDS + 10);
            List<Socket> open = new ArrayList<>(slow);
            for (Socket s : open) {
                s.setSoTimeout(20);
            }
            while (!open.isEmpty() && System.nanoTime() < cutDeadline) {
                open.removeIf(SlowClientIT::closedByServer);
            }
            assertThat(open).as("slow connections still open " + (READ_TIMEOUT_SECONDS + 10)
                    + " s after they stopped (read timeout " + READ_TIMEOUT_SECONDS + " s)").isEmpty();
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** True once the server closed the connection (end of stream or reset); waits up to the socket timeout. */
    private static boolean closedByServer(Socket s) {
        if (s.isClosed()) {
            return true;
        }
        try {
            int b;
            do {
                b = s.getInputStream().read(); // an error answer before the close is fine: read on to the end
            } while (b >= 0);
            s.close();
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
            return true;
        }
    }
}
