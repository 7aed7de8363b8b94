package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine slow to answer the memory samples ({@code GET /containers/{id}/stats}, 20 s late behind
 * a relay on a Unix socket) neither delays the kill at the deadline nor keeps a connection of the
 * run open after it (review 2026-11-27 S1: the sample ran on the thread that kills, and a 2.5 s run
 * was ended at 7.4 s by the in-container deadline instead).
 */
@RequiresService(Service.DOCKER)
class SlowEngineIT {

    static final Duration STATS_DELAY = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aSlowStatsAnswerDelaysNeitherTheKillNorTheEndOfTheRun() throws Exception {
        Path socket = dir.resolve("engine.sock");
        try (SlowStatsRelay relay = new SlowStatsRelay(socket, Path.of("/var/run/docker.sock"))) {
            SandboxSettings settings = SandboxSettings.builder().dockerHost("unix://" + socket)
                    .timeout(Duration.ofMillis(2500)).build();
            try (Sandbox sandbox = Sandbox.builder(settings).build()) {
                SandboxResult r = sandbox.run(SandboxRequest.python(String.join("\n",
                        "import time, sys",
                        "t0 = time.monotonic()",
                        "while True:",
                        "    print('%.2f' % (time.monotonic() - t0), flush=True)",
                        "    time.sleep(0.05)"), ""));

                assertThat(relay.statsAsked.get()).as("a memory sample was asked for and held back").isPositive();
                assertThat(r.timedOut()).isTrue();
                assertThat(r.exitCode()).isEqualTo(137);
                assertThat(r.duration()).as("killed at the 2.5 s deadline, not after the 20 s stats answer")
                        .isLessThan(Duration.ofMillis(4500));
                // the run's held stats connection is closed when the run ends, not left to the engine
                Poll.until(Duration.ofSeconds(5), "the held stats connection closed by the client",
                        () -> relay.statsClosedByClient.get() == relay.statsAsked.get());
            }
        }
    }

    /** Relays every connection to the engine; holds a stats request back for {@link #STATS_DELAY}. */
    static final class SlowStatsRelay implements AutoCloseable {
        final AtomicInteger statsAsked = new AtomicInteger();
        final AtomicInteger statsClosedByClient = new AtomicInteger();
        private final ServerSocketChannel server;
        private final Path engine;
        private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SlowStatsRelay(Path socket, Path engine) throws IOException {
            this.engine = engine;
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            acceptor = new Thread(this::accept, "slow-stats-relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (server.isOpen()) {
                try {
                    SocketChannel client = server.accept();
                    open.add(client);
                    Thread t = new Thread(() -> relay(client), "slow-stats-relay-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void relay(SocketChannel client) {
            try {
                ByteBuffer first = ByteBuffer.allocate(64 * 1024);
                client.read(first); // the request line and head arrive in one write from our client
                first.flip();
                String head = StandardCharsets.ISO_8859_1.decode(first.duplicate()).toString();
                if (head.contains("/stats")) {
                    statsAsked.incrementAndGet();
                    long end = System.nanoTime() + STATS_DELAY.toNanos();
                    ByteBuffer probe = ByteBuffer.allocate(1);
                    client.configureBlocking(false);
                    while (System.nanoTime() < end) { // held back; watch for the client giving up
                        if (client.read(probe) < 0) {
                            statsClosedByClient.incrementAndGet();
                            client.close();
                            return;
                        }
                        Thread.sleep(20);
                    }
                    client.configureBlocking(true);
                }
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine));
                open.add(upstream);
                while (first.hasRemaining()) {
                    upstream.write(first);
                }
                Thread back = new Thread(() -> copy(upstream, client), "slow-stats-relay-back");
                back.setDaemon(true);
                back.start();
                copy(client, upstream);
            } catch (IOException | InterruptedException e) {
                closeQuietly(client);
            }
        }

        private static void copy(SocketChannel from, SocketChannel to) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
                to.shutdownOutput(); // half-close, as the client's stdin end does
            } catch (IOException e) {
                closeQuietly(to);
            }
        }

        private static void closeQuietly(SocketChannel c) {
            try {
                c.close();
            } catch (IOException e) {
                // closing
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            acceptor.interrupt();
            open.forEach(SlowStatsRelay::closeQuietly);
        }
    }
}
