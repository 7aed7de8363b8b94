import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** jwt-cookies on the module path: log in over HTTP on the JDK server, then call a protected context. */
public class JwtSmoke {
    public static void main(String[] args) throws Exception {
        String secret = Base64.getEncoder().encodeToString(new byte[48]);
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret)),
                new InMemoryTokenStore(), new MetricRegistry());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/login", ex -> {
            auth.login("alice", List.of("trader"), JdkHttpAuth.response(ex));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.createContext("/api/me", ex -> {
            byte[] body = JdkHttpAuth.caller(ex).subject().getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        }).getFilters().add(JdkHttpAuth.filter(auth));
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<Void> login = client.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            String access = login.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("__Host-access_token=")).map(c -> c.substring(0, c.indexOf(';')))
                    .findFirst().orElseThrow(() -> new AssertionError("no access cookie: " + login.headers()));
            HttpResponse<String> me = client.send(HttpRequest.newBuilder(URI.create(base + "/api/me"))
                    .header("Cookie", access).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(base + "/api/me")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (me.statusCode() != 200 || !me.body().equals("alice") || anonymous.statusCode() != 401) {
                throw new AssertionError("me " + me.statusCode() + " " + me.body() + ", anonymous " + anonymous.statusCode());
            }
            System.out.println("OK dev.bulwark.jwt " + JwtCookieAuth.class.getModule());
        } finally {
            server.stop(0);
        }
    }
}
