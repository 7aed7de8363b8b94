package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ThrottleStore} must do, run against each implementation. Two guards over
 * {@link #store()} and {@link #otherStore()} stand for two replicas: for a shared store they count
 * the same attempts.
 */
abstract class ThrottleStoreContract {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    /** A user name of its own per test, so tests on a shared database do not meet. */
    final String user = "user-" + UUID.randomUUID();
    final String client = "198.51.100." + (1 + (UUID.randomUUID().hashCode() & 0x7f));

    abstract ThrottleStore store();

    /** A second instance over the same state (for the in-memory store: the same object). */
    abstract ThrottleStore otherStore();

    LoginGuard guard(ThrottleStore store) {
        return LoginGuard.create(LoginGuardSettings.builder().maxAttemptsPerUser(3).maxAttemptsPerClient(1000)
                .lockout(Duration.ofMinutes(5)).window(Duration.ofMinutes(10)).build(), store, new MetricRegistry(), clock);
    }

    @Test
    void attemptsAcrossTwoGuardsCountTogether() {
        LoginGuard a = guard(store());
        LoginGuard b = guard(otherStore());

        assertThat(a.attempt(user, client, () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        assertThat(b.attempt(user, client, () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        assertThat(a.attempt(user, client, () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        LoginOutcome onB = b.attempt(user, client, () -> true);

        assertThat(onB.refusal()).isEqualTo(LoginRefusal.THROTTLED);
        assertThat(onB.retryAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(a.attempt(user, client, () -> true).refusal()).isEqualTo(LoginRefusal.THROTTLED);
    }

    @Test
    void theBlockEndsAfterTheLockoutOnBothGuards() {
        LoginGuard a = guard(store());
        for (int i = 0; i < 4; i++) {
            a.attempt(user, client, () -> false);
        }
        clock.advance(Duration.ofMinutes(5));

        assertThat(guard(otherStore()).attempt(user, client, () -> true).succeeded()).isTrue();
    }

    @Test
    void theCountStartsAgainAfterTheWindow() {
        LoginGuard a = guard(store());
        a.attempt(user, client, () -> false);
        a.attempt(user, client, () -> false);
        a.attempt(user, client, () -> false);
        clock.advance(Duration.ofMinutes(10));

        assertThat(guard(otherStore()).attempt(user, client, () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
    }

    @Test
    void aSuccessOnOneGuardResetsTheUserOnTheOther() {
        LoginGuard a = guard(store());
        LoginGuard b = guard(otherStore());
        a.attempt(user, client, () -> false);
        a.attempt(user, client, () -> false);
        assertThat(b.attempt(user, client, () -> true).succeeded()).isTrue();

        for (int i = 0; i < 3; i++) {
            assertThat(a.attempt(user, client, () -> false).refusal()).isEqualTo(LoginRefusal.BAD_CREDENTIALS);
        }
    }

    @Test
    void parallelGuessesOnTwoGuardsRunAtMostTheLimitOfChecks() throws Exception {
        LoginGuard a = guard(store());
        LoginGuard b = guard(otherStore());
        AtomicInteger checks = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 12; i++) {
            LoginGuard g = i % 2 == 0 ? a : b;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    g.attempt(user, client, () -> {
                        checks.incrementAndGet();
                        return false;
                    });
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }

        assertThat(errors).isEmpty();
        assertThat(checks).hasValue(3);
    }
}
