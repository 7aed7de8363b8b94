package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A token store of the service's own (here a stand-in for a Redis store) can raise the public
 * {@link TokenStoreException}, and the adapters then fail closed with 503, as for the JDBC store.
 */
class CustomStoreFailureTest {

    @Test
    void aCustomStoreThatCannotAnswerMakesTheAdapterFailClosedWith503() throws Exception {
        AtomicBoolean down = new AtomicBoolean();
        InMemoryTokenStore memory = new InMemoryTokenStore();
        TokenStore redisLike = (TokenStore) Proxy.newProxyInstance(TokenStore.class.getClassLoader(),
                new Class<?>[] {TokenStore.class}, (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("isRevoked")) {
                        throw new TokenStoreException("RedisTokenStore: cannot check revocation: connection refused");
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        JwtSettings settings = JwtSettings.builder(JwtKeys.hmac("k1", JwtCookieAuthTest.SECRET)).build();
        JwtCookieAuth auth = JwtCookieAuth.create(settings, redisLike, new MetricRegistry());
        FakeHttp.Response loggedIn = new FakeHttp.Response();
        auth.login("alice", java.util.List.of("trader"), loggedIn);
        String token = loggedIn.cookies().get(settings.accessCookie());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/me", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        }).getFilters().add(JdkHttpAuth.filter(auth));
        server.start();
        try {
            HttpRequest me = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/me"))
                    .header("Authorization", "Bearer " + token).build();
            HttpClient client = HttpClient.newHttpClient();
            assertThat(client.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);

            down.set(true);
            HttpResponse<String> failed = client.send(me, HttpResponse.BodyHandlers.ofString());

            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.body()).contains("auth_unavailable").doesNotContain("connection refused");
        } finally {
            server.stop(0);
        }
    }
}
