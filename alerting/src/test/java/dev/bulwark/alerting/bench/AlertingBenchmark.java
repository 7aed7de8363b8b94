package dev.bulwark.alerting.bench;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.alerting.Alert;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.alerting.AlertRule;
import dev.bulwark.alerting.AlertState;
import dev.bulwark.alerting.Notification;
import dev.bulwark.alerting.Severity;
import dev.bulwark.alerting.Signals;
import dev.bulwark.alerting.WebhookNotifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Evaluation cost per tick for 10, 100 and 1,000 rules over a registry of 2,000 metrics, against
 * the raw baseline (reading the same metrics and comparing by hand); and notification throughput
 * to a local webhook against a raw HttpClient POST of the same body.
 * Run: {@code scripts/benchmark.sh alerting AlertingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AlertingBenchmark {

    @Param({"10", "100", "1000"})
    public int rules;

    private MetricRegistry metrics;
    private AlertEngine engine;
    private List<String> names;
    private HttpServer receiver;
    private WebhookNotifier webhook;
    private HttpClient client;
    private URI url;
    private List<Notification> group;
    private byte[] body;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        metrics = new MetricRegistry();
        for (int i = 0; i < 500; i++) {
            int v = i;
            metrics.register("app.gauge." + i, (Gauge<Integer>) () -> v);
            metrics.counter("app.counter." + i).inc(i);
            metrics.meter("app.meter." + i).mark(i);
            metrics.timer("app.timer." + i).update(Duration.ofMillis(i % 50 + 1));
        }
        List<AlertRule> list = new ArrayList<>();
        names = new ArrayList<>();
        for (int i = 0; i < rules; i++) {
            String gauge = "app.gauge." + (i % 500);
            names.add(gauge);
            AlertRule.Builder b = AlertRule.builder("Rule" + i).severity(Severity.WARNING).summary("{{value}} > {{threshold}}");
            switch (i % 3) {
                case 0 -> b.signal(Signals.gauge(gauge)).above(10_000);
                case 1 -> b.signal(Signals.rate("app.counter." + (i % 500), Duration.ofMinutes(5))).above(10_000);
                default -> b.signal(Signals.ratio("app.meter." + (i % 500), "app.counter." + (i % 500), Duration.ofMinutes(5), 1))
                        .above(2);
            }
            list.add(b.build());
        }
        engine = AlertEngine.builder(metrics).rules(list).clock(Clock.systemUTC()).build();

        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/");
        webhook = new WebhookNotifier("bench", url, "a-webhook-secret-of-32-bytes!!!!".getBytes(StandardCharsets.US_ASCII),
                Duration.ofSeconds(5), Clock.systemUTC());
        client = HttpClient.newHttpClient();
        Alert alert = new Alert("0123456789abcdef", "HighQueueDepth", Severity.WARNING, Map.of("alertname", "HighQueueDepth"),
                Map.of("summary", "depth 500 above 100"), AlertState.FIRING, 500, Instant.now(), Instant.now(), null);
        group = List.of(new Notification(alert, Notification.Kind.FIRING));
        body = ("{\"version\":\"1\",\"alerts\":[{\"name\":\"HighQueueDepth\",\"state\":\"FIRING\",\"labels\":"
                + "{\"alertname\":\"HighQueueDepth\"},\"annotations\":{\"summary\":\"depth 500 above 100\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        receiver.stop(0);
    }

    /** One evaluation tick of the engine over {@code rules} rules. */
    @Benchmark
    public List<Notification> engineTick() {
        return engine.evaluate();
    }

    /** Raw baseline: read each rule's gauge from the registry and compare, no engine. */
    @Benchmark
    public int rawReadAndCompare() {
        int over = 0;
        Map<String, Metric> all = metrics.getMetrics();
        for (String name : names) {
            Object v = ((Gauge<?>) all.get(name)).getValue();
            if (((Number) v).doubleValue() > 10_000) {
                over++;
            }
        }
        return over;
    }

    /** One signed webhook notification to a local receiver (rules param ignored). */
    @Benchmark
    public void webhookSend() throws Exception {
        webhook.send(group);
    }

    /** Raw baseline: the same-sized POST with a bare HttpClient. */
    @Benchmark
    public int rawHttpPost() throws Exception {
        return client.send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
