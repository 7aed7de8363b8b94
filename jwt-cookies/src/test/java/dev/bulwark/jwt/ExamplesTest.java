package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import dev.bulwark.testsupport.Examples;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the README's JDK HttpServer example and checks the README shows exactly this code. */
class ExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/jwt/ExamplesTest.java");

    /** The service's own credential check, which the example leaves to the reader. */
    interface Passwords {
        boolean check(HttpExchange ex);
    }

    @AfterEach
    void clear() {
        System.clearProperty("JWT_SECRET");
        System.clearProperty("JWT_INSECURE_DEV_COOKIES");
    }

    @Test
    void theReadmeExampleIsTheCodeThisTestRuns() {
        assertThat(Examples.normalized(Examples.readmeJava(Path.of("README.md")).get(0)))
                .isEqualTo(Examples.normalized(Examples.region(SELF, "readme")));
    }

    @Test
    void readmeExampleLogsInAndGuardsTheApi() throws Exception {
        System.setProperty("JWT_SECRET", Base64.getEncoder().encodeToString(JwtCookieAuthTest.SECRET));
        System.setProperty("JWT_INSECURE_DEV_COOKIES", "true"); // plain http on loopback in this test
        MetricRegistry metrics = new MetricRegistry();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Passwords passwords = ex -> true;
        HttpHandler handler = ex -> {
            byte[] body = JdkHttpAuth.caller(ex).subject().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        };
        // region readme
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(), new InMemoryTokenStore(), metrics);

        server.createContext("/auth/login", ex -> {
            if (!passwords.check(ex)) { /* 401 */ return; }                 // your credential check
            auth.login("alice", List.of("trader"), JdkHttpAuth.response(ex));   // sets the cookies
            ex.sendResponseHeaders(200, -1);
        });
        server.createContext("/auth/refresh", ex -> { AuthResult r = auth.refresh(JdkHttpAuth.request(ex), JdkHttpAuth.response(ex)); /* 200 or JdkHttpAuth.refuse(ex, r.refusal()) */ });
        server.createContext("/auth/logout", ex -> { auth.logout(JdkHttpAuth.request(ex), JdkHttpAuth.response(ex)); ex.sendResponseHeaders(204, -1); });
        server.createContext("/api/", handler).getFilters().add(JdkHttpAuth.filter(auth));   // caller: JdkHttpAuth.caller(ex)
        // endregion
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<Void> login = client.send(HttpRequest.newBuilder(URI.create(base + "/auth/login"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            String cookies = String.join("; ", login.headers().allValues("Set-Cookie").stream()
                    .map(c -> c.split(";", 2)[0]).toList());
            HttpResponse<String> me = client.send(HttpRequest.newBuilder(URI.create(base + "/api/me"))
                    .header("Cookie", cookies).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(base + "/api/me")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(me.body()).isEqualTo("alice");
            assertThat(anonymous.statusCode()).isEqualTo(401);
        } finally {
            server.stop(0);
        }
    }
}
