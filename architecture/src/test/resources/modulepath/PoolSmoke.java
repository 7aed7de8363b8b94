import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolPrometheus;
import dev.bulwark.pool.PoolSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.util.Map;

/** db-pool on the module path: an H2 pool, a health check (JSON through Jackson), Prometheus series. */
public class PoolSmoke {
    public static void main(String[] args) throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        PoolSettings settings = PoolSettings.fromEnvironment(Map.of("DB_URL", "jdbc:h2:mem:boot;DB_CLOSE_DELAY=-1",
                "DB_POOL_SIZE", "2", "DB_MAX_OVERFLOW", "1"));
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(settings, metrics, new HealthCheckRegistry())) {
            try (Connection c = pool.dataSource().getConnection()) {
                c.createStatement().execute("select 1");
            }
            String json = pool.check().toJson();
            PrometheusRegistry prometheus = new PrometheusRegistry();
            PoolPrometheus.register(metrics, prometheus);
            int series = prometheus.scrape().size();
            if (!json.contains("\"status\"") || series == 0) {
                throw new AssertionError("health " + json + ", series " + series);
            }
            System.out.println("OK dev.bulwark.pool " + ConnectionPoolMonitor.class.getModule());
        }
    }
}
