package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The throttle contract on H2, two store instances (one behind a pool with autoCommit=false) over one database. */
class JdbcThrottleStoreH2Test extends ThrottleStoreContract {

    private final org.h2.jdbcx.JdbcDataSource plain = new org.h2.jdbcx.JdbcDataSource();
    private final HikariDataSource pooled;

    JdbcThrottleStoreH2Test() {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        plain.setURL(url);
        new JdbcThrottleStore(plain).createTables();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setAutoCommit(false);
        config.setMaximumPoolSize(4);
        pooled = new HikariDataSource(config);
    }

    @AfterEach
    void close() {
        pooled.close();
    }

    @Override
    ThrottleStore store() {
        return new JdbcThrottleStore(plain);
    }

    @Override
    ThrottleStore otherStore() {
        return new JdbcThrottleStore(pooled);
    }

    @Test
    void createTablesIsIdempotentAndPurgeKeepsLiveRows() {
        JdbcThrottleStore s = new JdbcThrottleStore(plain).createTables();
        s.acquire("k", clock.instant(), 5, java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1));

        assertThat(s.purge(clock.instant())).isZero();
        assertThat(s.purge(clock.instant().plus(java.time.Duration.ofDays(2)))).isEqualTo(1);
    }

    @Test
    void theGuardPurgesStaleRowsAtMostHourly() throws Exception {
        LoginGuard g = guard(store());
        g.attempt("old-" + user, client, () -> false);
        assertThat(rows()).isEqualTo(2); // the user name's row and the client's

        clock.advance(java.time.Duration.ofDays(2));
        g.attempt(user, "203.0.113.9", () -> false);

        assertThat(rows()).as("a day-old key's rows are gone, the fresh ones stay").isEqualTo(2);
        assertThat(rowsOlderThan(clock.instant().minus(java.time.Duration.ofDays(1)))).isZero();
    }

    private long rows() throws Exception {
        return rowsOlderThan(java.time.Instant.MAX);
    }

    private long rowsOlderThan(java.time.Instant t) throws Exception {
        try (java.sql.Connection c = plain.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM bulwark_login_throttle WHERE window_start < ?")) {
            ps.setLong(1, t.equals(java.time.Instant.MAX) ? Long.MAX_VALUE : t.toEpochMilli());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aLockoutIsCountedOnceEvenWithMillisecondPrecisionInTheDatabase() {
        clock.advance(java.time.Duration.ofNanos(123_456)); // the clock has sub-millisecond precision, the table not
        com.codahale.metrics.MetricRegistry metrics = new com.codahale.metrics.MetricRegistry();
        LoginGuard g = LoginGuard.create(LoginGuardSettings.builder().maxAttemptsPerUser(3).build(), store(), metrics, clock);
        for (int i = 0; i < 3; i++) {
            g.attempt(user, client, () -> false);
        }

        assertThat(g.attempt(user, client, () -> false).refusal()).isEqualTo(LoginRefusal.THROTTLED);
        clock.advance(java.time.Duration.ofMillis(1));
        assertThat(g.attempt(user, client, () -> false).refusal()).isEqualTo(LoginRefusal.THROTTLED);
        assertThat(metrics.counter("bulwark.jwt.login.lockouts").getCount()).isEqualTo(1);
    }

    @Test
    void anAttemptRacingAResetOfItsKeyIsStillCounted() throws Exception {
        JdbcThrottleStore a = new JdbcThrottleStore(plain);
        JdbcThrottleStore b = new JdbcThrottleStore(pooled);
        java.util.List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        Thread resetter = new Thread(() -> {
            try {
                start.await();
                for (int i = 0; i < 400; i++) {
                    b.reset("u:raced");
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        Thread counter = new Thread(() -> {
            try {
                start.await();
                for (int i = 0; i < 400; i++) {
                    a.acquire("u:raced", clock.instant(), 1_000_000, java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1));
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        resetter.start();
        counter.start();
        start.countDown();
        resetter.join(60_000);
        counter.join(60_000);

        assertThat(errors).as("no attempt fails because its row was deleted in between").isEmpty();
    }
}
