package dev.bulwark.jwt.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.bulwark.jwt.AuthRequest;
import dev.bulwark.jwt.AuthResponse;
import dev.bulwark.jwt.AuthResult;
import dev.bulwark.jwt.Authentication;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginOutcome;
import dev.bulwark.jwt.LoginRefusal;
import dev.bulwark.jwt.Refusal;
import dev.bulwark.jwt.TokenStoreException;
import dev.bulwark.jwt.internal.Cookies;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Adapter for the JDK's {@code com.sun.net.httpserver} (no dependency): request / response views
 * and a {@link Filter} that lets only authenticated requests through.
 *
 * <pre>{@code
 * HttpContext api = server.createContext("/api/me", handler);   // handler: JdkHttpAuth.caller(exchange) is the caller
 * api.getFilters().add(JdkHttpAuth.filter(auth));
 * }</pre>
 */
public final class JdkHttpAuth {

    /** Exchange attribute holding the {@link Authentication} of an authenticated request. */
    public static final String ATTRIBUTE = "dev.bulwark.jwt.authentication";

    private JdkHttpAuth() {
    }

    /**
     * A view of the exchange's request.
     *
     * @param exchange the exchange
     * @return the request view
     */
    public static AuthRequest request(HttpExchange exchange) {
        Objects.requireNonNull(exchange, "exchange");
        return new AuthRequest() {
            @Override
            public String method() {
                return exchange.getRequestMethod();
            }

            @Override
            public Optional<String> header(String name) {
                return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
            }

            @Override
            public Optional<String> cookie(String name) {
                for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
                    Optional<String> value = Cookies.find(header, name);
                    if (value.isPresent()) {
                        return value;
                    }
                }
                return Optional.empty();
            }
        };
    }

    /**
     * A view of the exchange's response headers (call before {@code sendResponseHeaders}).
     *
     * @param exchange the exchange
     * @return the response view
     */
    public static AuthResponse response(HttpExchange exchange) {
        Objects.requireNonNull(exchange, "exchange");
        return (name, value) -> exchange.getResponseHeaders().add(name, value);
    }

    /**
     * A filter that authenticates each request; refused ones get their 401/403 JSON answer.
     *
     * @param auth the authenticator
     * @return the filter
     */
    public static Filter filter(JwtCookieAuth auth) {
        return filter(auth, null);
    }

    /**
     * A filter that authenticates each request and requires a role (403 {@code forbidden} without it).
     *
     * @param auth the authenticator
     * @param role required role, or null for any authenticated caller
     * @return the filter
     */
    public static Filter filter(JwtCookieAuth auth, String role) {
        Objects.requireNonNull(auth, "auth");
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                AuthResult result;
                try {
                    result = auth.authenticate(request(exchange));
                } catch (TokenStoreException e) {
                    sendJson(exchange, 503, "{\"error\":\"auth_unavailable\",\"message\":\"token store unavailable\"}");
                    return;
                }
                if (!result.authenticated()) {
                    refuse(exchange, result.refusal());
                    return;
                }
                if (role != null && !result.authentication().hasRole(role)) {
                    sendJson(exchange, 403, "{\"error\":\"forbidden\",\"message\":\"role '" + role + "' required\"}");
                    return;
                }
                exchange.setAttribute(ATTRIBUTE, result.authentication());
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "Bulwark JWT cookie authentication" + (role == null ? "" : " (role " + role + ")");
            }
        };
    }

    /**
     * The caller the filter authenticated.
     *
     * @param exchange the exchange
     * @return the caller
     * @throws IllegalStateException when the filter did not run on this exchange
     */
    public static Authentication caller(HttpExchange exchange) {
        Object value = exchange.getAttribute(ATTRIBUTE);
        if (!(value instanceof Authentication)) {
            throw new IllegalStateException("no authenticated caller: add JdkHttpAuth.filter(auth) to this context");
        }
        return (Authentication) value;
    }

    /**
     * Answers a refusal: status, {@code WWW-Authenticate} for 401s, JSON body.
     *
     * @param exchange the exchange
     * @param refusal why
     * @throws IOException when the client went away
     */
    public static void refuse(HttpExchange exchange, Refusal refusal) throws IOException {
        JwtCookieAuth.writeHeaders(refusal, response(exchange));
        sendJson(exchange, refusal.status(), refusal.json());
    }

    /**
     * The client's address for {@link dev.bulwark.jwt.LoginGuard#attempt}: the TCP peer (behind a
     * reverse proxy, pass the address the proxy reports instead).
     *
     * @param exchange the exchange
     * @return the peer's IP address
     */
    public static String clientAddress(HttpExchange exchange) {
        InetSocketAddress peer = exchange.getRemoteAddress();
        return peer == null ? "unknown" : peer.getAddress() == null ? peer.getHostString() : peer.getAddress().getHostAddress();
    }

    /**
     * Answers a login refusal of {@link dev.bulwark.jwt.LoginGuard#checkRequest}: status and JSON body.
     *
     * @param exchange the exchange
     * @param refusal why
     * @throws IOException when the client went away
     */
    public static void refuse(HttpExchange exchange, LoginRefusal refusal) throws IOException {
        sendJson(exchange, refusal.status(), refusal.json());
    }

    /**
     * Answers a login attempt that did not succeed: status, {@code Retry-After} when throttled,
     * JSON body.
     *
     * @param exchange the exchange
     * @param outcome the guard's outcome (not succeeded)
     * @throws IOException when the client went away
     */
    public static void refuse(HttpExchange exchange, LoginOutcome outcome) throws IOException {
        if (outcome.succeeded()) {
            throw new IllegalArgumentException("the login succeeded: nothing to refuse");
        }
        outcome.writeHeaders(response(exchange));
        refuse(exchange, outcome.refusal());
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
