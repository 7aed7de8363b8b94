package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.samples.support.ContractViews;
import dev.bulwark.testsupport.Poll;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only an in-process run of the JDK sample can show: its own pool exhausted (connections held
 * through {@link HardenedService#dataSource()}) fires DbPoolExhausted in the view
 * {@code GET /admin/alerts} answers ({@link ContractViews#alerts}). The HTTP contract itself (auth,
 * sessions, CSRF, login guard, health, metrics, backups, alerts, silences, admin-only) has one home,
 * {@code samples/contract-tests} ContractIT, run against this sample's jar and every other sample's.
 */
class HardenedServiceIT {

    @TempDir
    Path dataDir;

    @Test
    void poolExhaustionFiresDbPoolExhaustedInTheAdminAlertsView() throws Exception {
        try (HardenedService service = HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(),
                "DB_POOL_SIZE", "2", "DB_MAX_OVERFLOW", "3", "DB_POOL_TIMEOUT_MS", "20000",
                "ALERT_POOL_EXHAUSTED_FOR_SECONDS", "0", "ALERT_EVALUATION_INTERVAL_SECONDS", "1",
                "SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock"), "test-password")) {
            List<Connection> held = new ArrayList<>();
            ExecutorService waiter = Executors.newSingleThreadExecutor();
            try {
                for (int i = 0; i < 5; i++) {
                    held.add(service.dataSource().getConnection());
                }
                waiter.submit(() -> {
                    try (Connection c = service.dataSource().getConnection()) {
                        return c.isValid(1);
                    }
                });

                Poll.until(Duration.ofSeconds(15), "DbPoolExhausted firing in /admin/alerts",
                        () -> firing(service, "DbPoolExhausted").isPresent());

                Map<String, Object> alert = firing(service, "DbPoolExhausted").orElseThrow();
                assertThat(alert.get("severity")).isEqualTo("critical");
                assertThat(alert.get("labels")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .containsEntry("pool", "bulwark");
            } finally {
                for (Connection c : held) {
                    c.close();
                }
                waiter.shutdown();
            }
        }
    }

    /** The alert of that name in the {@code /admin/alerts} view, when it is firing. */
    @SuppressWarnings("unchecked")
    private static Optional<Map<String, Object>> firing(HardenedService service, String name) {
        List<Map<String, Object>> alerts = (List<Map<String, Object>>) ContractViews.alerts(service.alerts()).get("alerts");
        return alerts.stream().filter(a -> name.equals(a.get("name")) && "FIRING".equals(a.get("state"))).findFirst();
    }
}
