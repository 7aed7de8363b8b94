package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one real PostgreSQL elect one leader for a cluster-scoped rule. The leader runs
 * in a child JVM and is killed with SIGKILL during an incident: the other replica takes over
 * within two evaluation intervals, with the firing alert's state, and the receiver is not paged
 * a second time.
 */
@RequiresService(Service.POSTGRESQL)
class LeaderElectionIT {

    static final Duration INTERVAL = Duration.ofMillis(1000);

    static AlertEngine replica(MetricRegistry metrics, String lock, String instance, URI webhook, Duration interval,
            AtomicInteger down) {
        metrics.register("shared.db.down", (Gauge<Integer>) down::get);
        return AlertEngine.builder(metrics).dataSource(StateInPostgresIT.postgres()).leaderLock(lock)
                .settings(AlertingSettings.builder().instance(instance).evaluationInterval(interval)
                        .notifier(new WebhookNotifier(webhook)).initialBackoff(Duration.ofMillis(50))
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO)
                        .maxBackoff(Duration.ofMillis(200)).build())
                .rules(AlertRule.builder("SharedDatabaseDown").signal(Signals.gauge("shared.db.down")).above(0)
                        .clusterScoped().severity(Severity.CRITICAL).build(),
                        RulePack.highQueueDepth("shared.db.down", 0).forDuration(Duration.ZERO).build())
                .build();
    }

    record Page(String name, String kind, String instance) {
    }

    @Test
    void theSurvivorTakesOverAfterKillNineWithoutPagingAgain() throws Exception {
        List<Page> pages = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            for (JsonNode a : new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes()).get("alerts")) {
                pages.add(new Page(a.get("name").asText(), a.get("kind").asText(),
                        a.get("labels").path("instance").asText("")));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String lock = "leader-it-" + run;
        String podA = "pod-a-" + run;
        String podB = "pod-b-" + run;
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LeaderChild.class.getName(),
                lock, podA, hook.toString(), Long.toString(INTERVAL.toMillis())).redirectErrorStream(true).start();
        List<String> childOutput = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    childOutput.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the child was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        MetricRegistry survivorMetrics = new MetricRegistry();
        AtomicInteger down = new AtomicInteger(1);
        try (AlertEngine survivor = replica(survivorMetrics, lock, podB, hook, INTERVAL, down)) {
            Poll.until(Duration.ofSeconds(60), "the child leads and has paged", () -> childOutput.contains("LEADER")
                    && pages.contains(new Page("SharedDatabaseDown", "FIRING", "")));
            Poll.until(Duration.ofSeconds(10), "the leader saved the cluster state", () -> clusterState(lock).contains("FIRING"));
            survivor.start();
            long evaluated = survivorMetrics.counter("bulwark.alerting.evaluations").getCount();
            Poll.until(Duration.ofSeconds(10), "the survivor evaluated three times",
                    () -> survivorMetrics.counter("bulwark.alerting.evaluations").getCount() >= evaluated + 3);
            assertThat(survivor.leader()).as("one leader at a time").isFalse();
            assertThat(survivor.activeAlerts()).extracting(Alert::name).containsExactly("HighQueueDepth");

            child.destroyForcibly(); // SIGKILL: no close(), no unlock; only the server sees the session end
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();
            Poll.until(INTERVAL.multipliedBy(2), "hand-over within two evaluation intervals", survivor::leader);
            long handOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);

            long afterTakeOver = survivorMetrics.counter("bulwark.alerting.evaluations").getCount();
            Poll.until(Duration.ofSeconds(10), "the new leader evaluated three times",
                    () -> survivorMetrics.counter("bulwark.alerting.evaluations").getCount() >= afterTakeOver + 3);
            assertThat(survivor.activeAlerts()).filteredOn(a -> a.name().equals("SharedDatabaseDown")).singleElement()
                    .satisfies(a -> {
                        assertThat(a.state()).isEqualTo(AlertState.FIRING);
                        assertThat(a.labels()).doesNotContainKey("instance");
                    });
            assertThat(pages).as("hand-over took %d ms; pages %s", handOverMs, pages)
                    .filteredOn(p -> p.name().equals("SharedDatabaseDown")).containsExactly(
                            new Page("SharedDatabaseDown", "FIRING", ""));
            assertThat(pages).as("per-instance alerts of both replicas, told apart")
                    .contains(new Page("HighQueueDepth", "FIRING", podA), new Page("HighQueueDepth", "FIRING", podB));

            down.set(0);
            Poll.until(Duration.ofSeconds(10), "resolved by the new leader",
                    () -> pages.contains(new Page("SharedDatabaseDown", "RESOLVED", "")));
        } finally {
            child.destroyForcibly();
            receiver.stop(0);
        }
    }

    static String clusterState(String lock) {
        try (Connection c = StateInPostgresIT.postgres().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT body FROM bulwark_alert_state WHERE state_key = ?")) {
            ps.setString(1, "cluster:" + lock);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (java.sql.SQLException e) {
            return "";
        }
    }
}
