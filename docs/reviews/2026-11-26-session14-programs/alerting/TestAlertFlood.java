import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.*;
import java.time.*;
import java.util.*;

/** The test alert bypasses silences and has no rate limit: a silence cannot stop a loop calling it. */
public class TestAlertFlood {
    public static void main(String[] args) throws Exception {
        StuckSilenceRead.MutableClock clock = new StuckSilenceRead.MutableClock();
        StuckSilenceRead.Recorder pager = new StuckSilenceRead.Recorder();
        AlertEngine e = AlertEngine.builder(new MetricRegistry()).clock(clock)
                .dataSource(StuckSilenceRead.ds(5432)).leaderLock("review-flood-" + UUID.randomUUID())
                .settings(AlertingSettings.builder().instance("pod-a").notifier(pager)
                        .groupWait(Duration.ZERO).groupInterval(Duration.ZERO).build())
                .rules(RulePack.highQueueDepth("queue.depth", 100).build()).build();
        String name = "BulwarkTestAlert"; // AlertEngine.TEST_ALERT (package-private)
        e.silence(Map.of("alertname", name), clock.instant().plus(Duration.ofHours(1)), "oncall", "stop the test-alert noise");
        e.silence(Map.of("instance", "pod-a"), clock.instant().plus(Duration.ofHours(1)), "oncall", "maintenance");
        int burst = 50;
        for (int i = 0; i < burst; i++) {
            e.sendTestAlert(); // a burst: queued notifications of one fingerprint coalesce
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && pager.got.size() < burst) { Thread.onSpinWait(); }
        System.out.println("burst of " + burst + ": pages delivered " + pager.got.size());
        int before = pager.got.size();
        for (int i = 1; i <= 20; i++) { // a loop that waits for each delivery (e.g. one call a minute)
            e.sendTestAlert();
            long d = System.nanoTime() + 5_000_000_000L;
            while (pager.got.size() < before + i && System.nanoTime() < d) { Thread.onSpinWait(); }
            clock.now = clock.now.plus(Duration.ofMinutes(1));
        }
        System.out.println("silences in force: " + e.silences().size() + "; pages delivered: " + pager.got.size());
        System.exit(0);
    }
}
