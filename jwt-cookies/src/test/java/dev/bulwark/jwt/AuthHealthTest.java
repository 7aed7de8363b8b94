package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The authenticator's builder and its health check, registered like every module's. */
class AuthHealthTest {

    @Test
    void unhealthyWhileTheStoreFailsAndHealthyAgainAfterASuccessfulCall() {
        AtomicBoolean down = new AtomicBoolean();
        InMemoryTokenStore memory = new InMemoryTokenStore();
        TokenStore flaky = (TokenStore) Proxy.newProxyInstance(TokenStore.class.getClassLoader(),
                new Class<?>[] {TokenStore.class}, (proxy, method, args) -> {
                    if (down.get()) {
                        throw new TokenStoreException("RedisTokenStore: connection refused");
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        HealthCheckRegistry healthChecks = new HealthCheckRegistry();
        MetricRegistry metrics = new MetricRegistry();
        JwtCookieAuth auth = JwtCookieAuth.builder(JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET))
                .allowOrigin(JwtCookieAuthTest.ORIGIN).build(), flaky).metrics(metrics).healthChecks(healthChecks).build();
        assertThat(healthChecks.getNames()).containsExactly(JwtCookieAuth.HEALTH_CHECK_NAME);
        assertThat(healthChecks.runHealthCheck("bulwark.jwt").isHealthy()).isTrue();

        FakeHttp.Response session = new FakeHttp.Response();
        auth.login("alice", List.of("trader"), session);
        down.set(true);
        FakeHttp.Request request = new FakeHttp.Request("GET").cookiesFrom(session);
        assertThatThrownBy(() -> auth.authenticate(request)).isInstanceOf(TokenStoreException.class);
        assertThat(healthChecks.runHealthCheck("bulwark.jwt").isHealthy()).isFalse();
        assertThat(healthChecks.runHealthCheck("bulwark.jwt").getMessage()).contains("connection refused");

        down.set(false);
        assertThat(auth.authenticate(request).authenticated()).isTrue();
        assertThat(healthChecks.runHealthCheck("bulwark.jwt").isHealthy()).isTrue();
        assertThat(metrics.getNames()).contains("bulwark.jwt.logins");
    }
}
