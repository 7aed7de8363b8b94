package dev.bulwark.samples.support;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.sandbox.SandboxRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The contract's request bodies: a JSON object of at most 64 KiB, its fields checked with clear 400s. */
public final class JsonBody {

    /** The largest body read. */
    public static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBody() {
    }

    /**
     * Reads a JSON object.
     *
     * @param in the request body
     * @return the object
     * @throws IOException when the client went away
     * @throws ContractFailure 413 above {@link #MAX_BODY}, 400 when not a JSON object
     */
    public static JsonNode read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new ContractFailure(413, "too_large", "request body above " + MAX_BODY + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new ContractFailure(400, "bad_request", "expected a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new ContractFailure(400, "bad_request", "body is not valid JSON");
        }
    }

    /**
     * A required non-blank text field.
     *
     * @param body the object
     * @param field the field's name
     * @param maxLength its longest accepted length
     * @return the text
     * @throws ContractFailure 400 naming the field
     */
    public static String text(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ContractFailure(400, "bad_request", "field '" + field + "' is required (a non-empty string)");
        }
        if (value.asText().length() > maxLength) {
            throw new ContractFailure(400, "bad_request", "field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value.asText();
    }

    /**
     * {@code {"language":"python","code":...,"stdin":...,"files":{name: text}}} as a sandbox request.
     *
     * @param body the object
     * @return the request
     * @throws ContractFailure 400 on a wrong language, missing code or a bad file name
     */
    public static SandboxRequest sandboxRequest(JsonNode body) {
        String language = text(body, "language", 20);
        if (!language.equals("python")) {
            throw new ContractFailure(400, "bad_request", "language must be 'python'");
        }
        String code = text(body, "code", 60_000);
        JsonNode stdinNode = body.get("stdin");
        SandboxRequest request = SandboxRequest.python(code, stdinNode == null || stdinNode.isNull() ? "" : stdinNode.asText());
        JsonNode files = body.get("files");
        if (files != null && files.isObject()) {
            for (Map.Entry<String, JsonNode> f : files.properties()) {
                try {
                    request = request.withFile(f.getKey(), f.getValue().asText().getBytes(StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new ContractFailure(400, "bad_request", e.getMessage());
                }
            }
        }
        return request;
    }

    /**
     * A silence asked for with
     * {@code {"matchers":{"alertname":"..."},"durationMinutes":60,"comment":"..."}}.
     *
     * @param matchers label name to value
     * @param endsAt when it ends (capped just past {@link AlertEngine#MAX_SILENCE}, which the engine refuses)
     * @param comment why
     */
    public record SilenceRequest(Map<String, String> matchers, Instant endsAt, String comment) {
    }

    /**
     * Reads a silence request.
     *
     * @param body the object
     * @param now the current time
     * @return the request
     * @throws ContractFailure 400 naming the missing or bad field
     */
    public static SilenceRequest silence(JsonNode body, Instant now) {
        JsonNode m = body.get("matchers");
        if (m == null || !m.isObject()) {
            throw new ContractFailure(400, "bad_request", "field 'matchers' is required: an object of label name to value");
        }
        Map<String, String> matchers = new LinkedHashMap<>();
        m.properties().forEach(e -> matchers.put(e.getKey(), e.getValue().asText()));
        JsonNode minutes = body.get("durationMinutes");
        if (minutes == null || !minutes.canConvertToLong() || minutes.asLong() < 1) {
            throw new ContractFailure(400, "bad_request",
                    "field 'durationMinutes' is required: a whole number of minutes, at least 1");
        }
        String comment = body.hasNonNull("comment") ? text(body, "comment", 500) : "";
        Instant ends = now.plus(Duration.ofMinutes(Math.min(minutes.asLong(), AlertEngine.MAX_SILENCE.toMinutes() + 1)));
        return new SilenceRequest(matchers, ends, comment);
    }
}
