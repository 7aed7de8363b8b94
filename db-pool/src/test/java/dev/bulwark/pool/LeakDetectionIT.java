package dev.bulwark.pool;

import dev.bulwark.testsupport.Poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@RequiresService(Service.POSTGRESQL)
class LeakDetectionIT {

    @Test
    void aConnectionHeldPastTheThresholdIsReportedWithTheBorrowingStack() throws Exception {
        PoolSettings settings = PoolSettings.builder().url(TestServices.postgresUrl()).user(TestServices.postgresUser())
                .password(TestServices.postgresPassword()).poolName("leaks").poolSize(1).maxOverflow(1)
                .leakDetection(Duration.ofSeconds(2)).build();
        MetricRegistry metrics = new MetricRegistry();
        try (ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(settings, metrics)) {
            pool.dataSource().getConnection().close();
            Connection leaked = leakyRepositoryCall(pool);

            Poll.until(Duration.ofSeconds(15), "leak reported", () -> pool.health().leaks().count() == 1);
            PoolHealth.Leak leak = pool.health().leaks().recent().get(0);
            leaked.close();

            assertThat(leak.thread()).isEqualTo(Thread.currentThread().getName());
            assertThat(leak.thresholdMs()).isEqualTo(2000);
            assertThat(leak.stack()).anyMatch(frame -> frame.contains("LeakDetectionIT.leakyRepositoryCall"));
            assertThat(metrics.getCounters().get("bulwark.pool.leaks.leak.suspicions").getCount()).isEqualTo(1L);
            assertThat(pool.health().leaks().enabled()).isTrue();
            assertThat(pool.dataSource()).isInstanceOf(com.zaxxer.hikari.HikariDataSource.class);
        }
    }

    private static Connection leakyRepositoryCall(ConnectionPoolMonitor pool) throws SQLException {
        Connection c = pool.dataSource().getConnection();
        assertThat(c.isWrapperFor(org.postgresql.PGConnection.class)).isTrue();
        return c;
    }
}
