package dev.bulwark.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.testsupport.MutableClock;
import dev.bulwark.testsupport.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A health check that hangs (a pool check waiting for a connection during a database outage):
 * evaluation, the gauges and the alert listing go on; the firing critical alert stays firing,
 * marked unknown, and is never resolved silently.
 */
class EvaluationNeverStallsTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    final MetricRegistry metrics = new MetricRegistry();
    final HealthCheckRegistry health = new HealthCheckRegistry();
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean hang = new AtomicBoolean();
    final AtomicBoolean healthy = new AtomicBoolean(true);
    final AtomicInteger threadsMade = new AtomicInteger();

    EvaluationNeverStallsTest() {
        health.register("db", new HealthCheck() {
            @Override
            protected Result check() throws Exception {
                if (hang.get()) {
                    release.await(1, TimeUnit.MINUTES);
                }
                return healthy.get() ? Result.healthy() : Result.unhealthy("connection refused");
            }
        });
        metrics.register("queue.depth", (Gauge<Integer>) () -> 500);
    }

    @AfterEach
    void releaseTheHangingCheck() {
        release.countDown();
    }

    AlertEngine engine() {
        ThreadFactory counting = r -> {
            threadsMade.incrementAndGet();
            Thread t = new Thread(r, "test-alert-" + threadsMade.get());
            t.setDaemon(true);
            return t;
        };
        return AlertEngine.builder(metrics).healthChecks(health).clock(clock).threadFactory(counting)
                .settings(AlertingSettings.builder().signalTimeout(Duration.ofMillis(300)).instance("pod-a").build())
                .rules(RulePack.backendDown("db").forDuration(Duration.ZERO).build(),
                        RulePack.highQueueDepth("queue.depth", 100).forDuration(Duration.ZERO).build())
                .build();
    }

    @Test
    void aHangingHealthCheckBlocksNeitherEvaluationNorTheListingNorTheGauges() throws Exception {
        try (AlertEngine engine = engine()) {
            healthy.set(false);
            assertThat(engine.evaluate()).extracting(n -> n.alert().name())
                    .containsExactlyInAnyOrder("BackendDown", "HighQueueDepth");
            hang.set(true);

            CompletableFuture<List<Notification>> evaluation = CompletableFuture.supplyAsync(engine::evaluate);
            // While the check hangs, the listing and the gauges answer at once.
            for (int i = 0; i < 5; i++) {
                assertThat(CompletableFuture.supplyAsync(engine::activeAlerts).get(1, TimeUnit.SECONDS)).isNotEmpty();
                assertThat(CompletableFuture.supplyAsync(
                        () -> metrics.getGauges().get("bulwark.alerting.alerts.firing").getValue()).get(1, TimeUnit.SECONDS))
                        .isNotNull();
            }
            List<Notification> duringOutage = evaluation.get(5, TimeUnit.SECONDS);

            assertThat(duringOutage).singleElement().satisfies(n -> {
                assertThat(n.alert().name()).isEqualTo("RuleEvaluationFailed");
                assertThat(n.alert().annotations().get("description")).contains("healthy(db)").contains("300 ms");
            });
            assertThat(engine.activeAlerts()).filteredOn(a -> a.name().equals("BackendDown")).singleElement()
                    .satisfies(a -> {
                        assertThat(a.state()).isEqualTo(AlertState.FIRING);
                        assertThat(a.unknown()).isTrue();
                    });
            assertThat(engine.activeAlerts()).filteredOn(a -> a.name().equals("HighQueueDepth")).singleElement()
                    .satisfies(a -> assertThat(a.unknown()).isFalse());
        }
    }

    @Test
    void aStillHangingCheckIsNotReadAgainSoReaderThreadsStayBounded() {
        try (AlertEngine engine = engine()) {
            engine.evaluate();
            hang.set(true);
            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofSeconds(15));
                engine.evaluate();
            }
            assertThat(threadsMade.get()).as("threads made for 11 evaluations with one hanging check").isLessThanOrEqualTo(6);

            hang.set(false);
            release.countDown();
            Poll.until(Duration.ofSeconds(5), "the hanging read returned", () -> {
                clock.advance(Duration.ofSeconds(15));
                return engine.evaluate().stream().anyMatch(n -> n.kind() == Notification.Kind.RESOLVED);
            });
            assertThat(engine.activeAlerts()).noneMatch(Alert::unknown);
        }
    }

    @Test
    void aFailedEvaluationKeepsAFiringCriticalAlertFiringInsteadOfResolvingIt() {
        try (AlertEngine engine = engine()) {
            healthy.set(false);
            engine.evaluate();
            health.unregister("db");
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofMinutes(1));
                assertThat(engine.evaluate()).noneMatch(n -> n.kind() == Notification.Kind.RESOLVED);
            }
            assertThat(engine.activeAlerts()).filteredOn(a -> a.name().equals("BackendDown")).singleElement()
                    .satisfies(a -> {
                        assertThat(a.state()).isEqualTo(AlertState.FIRING);
                        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
                        assertThat(a.unknown()).isTrue();
                    });
        }
    }
}
