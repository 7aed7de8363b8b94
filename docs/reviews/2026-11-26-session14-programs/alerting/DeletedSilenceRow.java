import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.alerting.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.atomic.*;
import org.postgresql.ds.PGSimpleDataSource;

/** A silence row removed from bulwark_alert_state (by hand, a restore, a cleanup) and the version token rewritten. */
public class DeletedSilenceRow {
    public static void main(String[] args) throws Exception {
        StuckSilenceRead.MutableClock clock = new StuckSilenceRead.MutableClock();
        AtomicInteger depth = new AtomicInteger(500);
        String lock = "review-deleted-" + UUID.randomUUID();
        PGSimpleDataSource ds = StuckSilenceRead.ds(5432);
        StuckSilenceRead.Recorder hook = new StuckSilenceRead.Recorder();
        AlertEngine a = StuckSilenceRead.engine("pod-a-" + UUID.randomUUID().toString().substring(0, 6), ds, clock, depth, lock, hook);
        Silence s = a.silence(Map.of("alertname", "HighQueueDepth"), clock.instant().plus(Duration.ofDays(30)), "ops", "maint");
        a.evaluate();
        System.out.println("muted: notified " + hook.got);
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            int n = st.executeUpdate("DELETE FROM bulwark_alert_state WHERE state_key = 'silence:" + lock + ":" + s.id() + "'");
            st.executeUpdate("UPDATE bulwark_alert_state SET body = '{\"version\":\"by-hand\"}' WHERE state_key = 'silences-version:" + lock + "'");
            System.out.println("deleted " + n + " silence row, version token rewritten");
        }
        for (int i = 1; i <= 3; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(6)); // past the 5-minute full read each time
            a.evaluate();
            System.out.printf("after %2d min: silences in store: 0, A's silences %s, notified %s%n", 6 * i,
                    a.silences().stream().map(Silence::comment).toList(), hook.got);
        }
        System.exit(0);
    }
}
