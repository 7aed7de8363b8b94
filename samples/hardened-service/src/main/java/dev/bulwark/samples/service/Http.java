package dev.bulwark.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.bulwark.samples.support.ContractFailure;
import dev.bulwark.samples.support.JsonBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK server's side of the contract's JSON: bodies in ({@link JsonBody}), answers and errors
 * ({@link ContractFailure}) out, and the guard every handler runs in (no stack trace ever leaves).
 */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);

    private Http() {
    }

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** Wraps a handler: method check, JSON errors, 500 without details on a bug. */
    static HttpHandler guarded(String method, Handler handler) {
        return exchange -> {
            try {
                if (!method.equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", method);
                    throw new ContractFailure(405, "method_not_allowed",
                            "use " + method + " for " + exchange.getRequestURI().getPath());
                }
                handler.handle(exchange);
            } catch (ContractFailure f) {
                error(exchange, f);
            } catch (RuntimeException | IOException e) {
                LOG.error("Request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                error(exchange, new ContractFailure(500, "internal", "internal error"));
            } finally {
                exchange.close();
            }
        };
    }

    /** The request's JSON object body (413 above 64 KiB, 400 when not a JSON object). */
    static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return JsonBody.read(in);
        }
    }

    /** The JSON object body, or empty when the request has no body. */
    static Optional<JsonNode> optionalBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if ((length == null || length.trim().equals("0"))
                && exchange.getRequestHeaders().getFirst("Transfer-Encoding") == null) {
            return Optional.empty();
        }
        return Optional.of(body(exchange));
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", body instanceof String ? ((String) body).getBytes(StandardCharsets.UTF_8)
                : JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange exchange, ContractFailure failure) {
        try {
            if (failure.retryAfterSeconds() > 0) {
                exchange.getResponseHeaders().set("Retry-After", Long.toString(failure.retryAfterSeconds()));
            }
            json(exchange, failure.status(), failure.body());
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not send error {}: {}", failure.status(), e.toString());
        }
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
