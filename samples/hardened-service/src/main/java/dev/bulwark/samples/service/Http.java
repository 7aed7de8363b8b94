package dev.bulwark.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON in and out, error answers, and the guard every handler runs in (no stack trace ever leaves). */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);
    private static final int MAX_BODY = 64 * 1024;

    private Http() {
    }

    /** Thrown by handlers to answer with a JSON error. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Failure(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
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
                    throw new Failure(405, "method_not_allowed", "use " + method + " for " + exchange.getRequestURI().getPath());
                }
                handler.handle(exchange);
            } catch (Failure f) {
                error(exchange, f.status, f.code, f.getMessage());
            } catch (RuntimeException | IOException e) {
                LOG.error("Request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                error(exchange, 500, "internal", "internal error");
            } finally {
                exchange.close();
            }
        };
    }

    static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new Failure(413, "too_large", "request body above " + MAX_BODY + " bytes");
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                if (node == null || !node.isObject()) {
                    throw new Failure(400, "bad_request", "expected a JSON object");
                }
                return node;
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new Failure(400, "bad_request", "body is not valid JSON");
            }
        }
    }

    /** The JSON object body, or empty when the request has no body. */
    static java.util.Optional<JsonNode> optionalBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if ((length == null || length.trim().equals("0"))
                && exchange.getRequestHeaders().getFirst("Transfer-Encoding") == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(body(exchange));
    }

    static String text(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new Failure(400, "bad_request", "field '" + field + "' is required (a non-empty string)");
        }
        if (value.asText().length() > maxLength) {
            throw new Failure(400, "bad_request", "field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value.asText();
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", body instanceof String ? ((String) body).getBytes(StandardCharsets.UTF_8)
                : JSON.writeValueAsBytes(body));
    }

    static void error(HttpExchange exchange, int status, String code, String message) {
        try {
            json(exchange, status, Map.of("error", code, "message", message));
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not send error {}: {}", status, e.toString());
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
