package dev.bulwark.samples.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A sample service under test: its executable jar, started with {@code java -jar} and the
 * contract's environment variables, and where (if anywhere) it serves a Micrometer scrape.
 *
 * @param name the sample's folder under {@code samples/}
 * @param jar the jar, relative to {@code samples/}
 * @param micrometerScrape the path of its Micrometer Prometheus scrape, or null when it has none
 */
record Sample(String name, String jar, String micrometerScrape) {

    @Override
    public String toString() {
        return name;
    }

    /** The sample's jar, built by the reactor before this module's integration tests. */
    Path jarPath() {
        Path dir = Path.of(System.getProperty("bulwark.samples.dir", ".."));
        Path jarFile = dir.resolve(jar).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jarFile)) {
            throw new IllegalStateException("No jar of sample " + name + " at " + jarFile + ": build it first "
                    + "(./mvnw -pl samples/contract-tests -am verify builds every sample this suite runs)");
        }
        return jarFile;
    }

    /** What every sample prints once it listens: its URL. */
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    /**
     * Starts the jar with {@code PORT=0} (the server picks its port, as each sample supports) and a
     * fresh data directory; returns once it printed the URL it listens on and {@code /health} answers.
     */
    Running start(Map<String, String> env) throws IOException {
        Path dataDir = Files.createTempDirectory("bulwark-contract-" + name);
        Path log = Path.of("target", "contract-" + name + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jarPath().toString());
        pb.environment().putAll(env);
        pb.environment().put("PORT", "0");
        pb.environment().put("DATA_DIR", dataDir.toString());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = null;
        while (true) {
            if (!process.isAlive()) {
                new Running(this, process, base, dataDir, log).close();
                throw new IllegalStateException("Sample " + name + " exited with " + process.exitValue() + " before "
                        + "answering /health; its output is in " + log);
            }
            if (base == null) {
                Matcher listening = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
                base = listening.find() ? listening.group(1) : null;
            }
            if (base != null) {
                try {
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return new Running(this, process, base, dataDir, log);
                    }
                } catch (IOException e) {
                    // not answering yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    new Running(this, process, base, dataDir, log).close();
                    throw new IllegalStateException("interrupted while waiting for " + name, e);
                }
            }
            if (System.nanoTime() > deadline) {
                new Running(this, process, base, dataDir, log).close();
                throw new IllegalStateException("Sample " + name + " did not print its URL and answer /health within"
                        + " 180 s; see " + log);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS); // returns at once if it exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                new Running(this, process, base, dataDir, log).close();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    /**
     * A started sample.
     *
     * @param sample which
     * @param process its JVM
     * @param base its base URL
     * @param dataDir its DATA_DIR
     * @param log its output
     */
    record Running(Sample sample, Process process, String base, Path dataDir, Path log) implements AutoCloseable {

        /** Stops it as an operator would (SIGTERM, then the container's own shutdown) and removes its data. */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
