package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A real HTTP dead man's switch gets a ping after evaluations, at most once per heartbeat interval. */
class HeartbeatIT {

    @Test
    void pingsTheDeadMansSwitchAtMostOncePerInterval() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        HttpServer dms = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        dms.createContext("/ping", exchange -> {
            if ("POST".equals(exchange.getRequestMethod())) {
                pings.incrementAndGet();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        dms.start();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
        MetricRegistry metrics = new MetricRegistry();
        AlertingSettings settings = AlertingSettings.fromEnvironment(Map.of("ALERT_LOG", "false",
                "ALERT_HEARTBEAT_URL", "http://127.0.0.1:" + dms.getAddress().getPort() + "/ping",
                "ALERT_HEARTBEAT_INTERVAL_SECONDS", "60"));
        try (AlertEngine engine = AlertEngine.builder(metrics).clock(clock).settings(settings)
                .rules(RulePack.watchdog().build()).build()) {
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "first ping", () -> metrics.counter("bulwark.alerting.heartbeat.sent").getCount() == 1);
            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            clock.advance(Duration.ofSeconds(15));
            engine.evaluate();
            clock.advance(Duration.ofSeconds(30));
            engine.evaluate();
            Poll.until(Duration.ofSeconds(5), "second ping after 60 s", () -> metrics.counter("bulwark.alerting.heartbeat.sent").getCount() == 2);
            assertThat(pings.get()).isEqualTo(2);
            assertThat(metrics.counter("bulwark.alerting.heartbeat.failed").getCount()).isZero();
        } finally {
            dms.stop(0);
        }
    }
}
