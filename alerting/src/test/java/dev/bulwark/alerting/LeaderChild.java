package dev.bulwark.alerting;

import com.codahale.metrics.MetricRegistry;
import java.net.URI;
import java.time.Duration;

/**
 * A replica in a child JVM for {@link LeaderElectionIT}: evaluates a cluster-scoped rule whose
 * condition holds, leader-elected on the real PostgreSQL, and prints {@code LEADER} once it leads.
 * The test kills it with SIGKILL.
 */
public final class LeaderChild {

    private LeaderChild() {
    }

    /**
     * Runs until killed.
     *
     * @param args lock name, instance, webhook URL, evaluation interval in ms
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        AlertEngine engine = LeaderElectionIT.replica(new MetricRegistry(), args[0], args[1], URI.create(args[2]),
                Duration.ofMillis(Long.parseLong(args[3])), new java.util.concurrent.atomic.AtomicInteger(1));
        engine.start();
        while (!engine.leader()) {
            Thread.sleep(20);
        }
        System.out.println("LEADER");
        System.out.flush();
        Thread.currentThread().join();
    }

}
