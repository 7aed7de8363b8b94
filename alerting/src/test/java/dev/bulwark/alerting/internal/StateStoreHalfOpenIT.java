package dev.bulwark.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The JDBC state store behind a network that starts swallowing packets without closing anything
 * (a partition, a frozen load balancer): a read must fail within the store's network timeout, so
 * that the engine's next refresh opens a new connection, instead of waiting for ever on the
 * half-open one (review 2026-11-26b, A1).
 */
@RequiresService(Service.POSTGRESQL)
class StateStoreHalfOpenIT {

    /** A TCP relay to PostgreSQL that, once told to, reads and drops every byte in both directions. */
    static final class SwallowingRelay implements AutoCloseable {
        final AtomicBoolean swallow = new AtomicBoolean();
        final ServerSocket server;
        final List<Socket> sockets = new CopyOnWriteArrayList<>();

        SwallowingRelay(String host, int port) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        Socket client = server.accept();
                        Socket upstream = new Socket();
                        upstream.connect(new InetSocketAddress(host, port), 5000);
                        sockets.add(client);
                        sockets.add(upstream);
                        pump(client, upstream);
                        pump(upstream, client);
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "relay-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) >= 0;) {
                        if (!swallow.get()) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    // one side closed
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * Like a pool: one physical connection handed out again and again (close() returns it), and
     * a new one only once it is broken; the connection that goes silent is one opened before.
     */
    static DataSource pooled(DataSource physical) {
        Connection[] current = new Connection[1];
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, args) -> {
                    if (!m.getName().equals("getConnection")) {
                        return m.invoke(physical, args);
                    }
                    synchronized (current) {
                        if (current[0] == null || current[0].isClosed()) {
                            current[0] = physical.getConnection();
                        }
                        Connection c = current[0];
                        return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                                (p2, m2, args2) -> {
                                    if (m2.getName().equals("close")) {
                                        return null;
                                    }
                                    try {
                                        return m2.invoke(c, args2);
                                    } catch (InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
                    }
                });
    }

    @Test
    void aReadOnAConnectionThatWentSilentFailsWithinTheNetworkTimeoutAndTheNextOneWorks() throws Exception {
        URI url = URI.create(TestServices.postgresUrl().substring("jdbc:".length()));
        try (SwallowingRelay relay = new SwallowingRelay(url.getHost(), url.getPort() < 0 ? 5432 : url.getPort())) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL("jdbc:postgresql://127.0.0.1:" + relay.port() + url.getPath());
            ds.setUser(TestServices.postgresUser());
            ds.setPassword(TestServices.postgresPassword());
            ds.setLoginTimeout(5);
            StateStore store = new StateStore.Jdbc(pooled(ds), Duration.ofSeconds(2));
            String key = "half-open-it:" + UUID.randomUUID();
            store.save(key, "{\"n\":1}");
            assertThat(store.load(key)).contains("{\"n\":1}");

            // The relay keeps every socket open but forwards nothing: the next query's answer never comes.
            relay.swallow.set(true);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> store.load(key))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot read alert state"),
                    "a read on a silent connection must fail within the network timeout, not wait for ever");

            relay.swallow.set(false);
            assertThat(store.load(key)).as("the next read, on a new connection").contains("{\"n\":1}");
            store.delete(key);
        }
    }
}
