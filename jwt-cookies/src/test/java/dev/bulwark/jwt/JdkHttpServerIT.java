package dev.bulwark.jwt;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.jwt.jdkhttp.JdkHttpAuth;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The cookie flow through the JDK HttpServer adapter. */
class JdkHttpServerIT extends HttpFlowContract {

    private HttpServer server;

    @Override
    URI start(JwtCookieAuth auth) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/auth/login", ex -> {
            auth.login("alice", roles(), JdkHttpAuth.response(ex));
            send(ex, 200, "{\"subject\":\"alice\"}");
        });
        server.createContext("/auth/refresh", ex -> {
            AuthResult r = auth.refresh(JdkHttpAuth.request(ex), JdkHttpAuth.response(ex));
            if (r.authenticated()) {
                send(ex, 200, "{\"subject\":\"" + r.authentication().subject() + "\"}");
            } else {
                JdkHttpAuth.refuse(ex, r.refusal());
            }
        });
        server.createContext("/auth/logout", ex -> {
            Optional<Refusal> refused = auth.logout(JdkHttpAuth.request(ex), JdkHttpAuth.response(ex));
            if (refused.isPresent()) {
                JdkHttpAuth.refuse(ex, refused.get());
            } else {
                ex.sendResponseHeaders(204, -1);
                ex.close();
            }
        });
        HttpHandler handler = exchange -> send(exchange, 200, "{\"subject\":\"" + JdkHttpAuth.caller(exchange).subject() + "\"}");
        // region javadoc-jdkhttp
        HttpContext api = server.createContext("/api/me", handler);   // handler: JdkHttpAuth.caller(exchange) is the caller
        api.getFilters().add(JdkHttpAuth.filter(auth));
        // endregion
        server.createContext("/api/notes", ex -> send(ex, 201, "{\"saved\":true}"))
                .getFilters().add(JdkHttpAuth.filter(auth));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    void stop() {
        server.stop(0);
    }
}
