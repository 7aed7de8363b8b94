package dev.bulwark.backup.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.bulwark.backup.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes manifests as JSON (ISO-8601 instants, map entries sorted by key, indented).
 *
 * <p>Manifests are read and written with Jackson's streaming parser and generator, not its data
 * binding: a backup run by the command line writes two manifests and reads those in the store,
 * and data binding's first use (introspecting the record, building its serializers: some 500
 * classes) cost a fresh JVM about 0.2 CPU-s with the class-data archive and 0.8 without it. The
 * output is byte for byte what the data-binding {@link #mapper()} writes, and either reads the
 * other's ({@code ManifestJsonTest}).
 */
public final class ManifestJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ManifestJson() {
    }

    /** Holds the data-binding mapper, built on first use (reports, {@code list --json}). */
    private static final class Mapper {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** Returns a copy of the configured data-binding mapper (reports, listings); writes manifests as {@link #write} does. */
    public static ObjectMapper mapper() {
        return Mapper.MAPPER.copy();
    }

    /**
     * Returns its JSON bytes.
     *
     * @param m manifest
     * @return its JSON bytes
     */
    public static byte[] write(Manifest m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("formatVersion", m.formatVersion());
            g.writeStringField("id", m.id());
            g.writeStringField("status", m.status().name());
            g.writeStringField("sourceKind", m.sourceKind());
            g.writeStringField("database", m.database());
            g.writeObjectFieldStart("toolVersions");
            for (Map.Entry<String, String> e : new TreeMap<>(m.toolVersions()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            instant(g, "startedAt", m.startedAt());
            instant(g, "finishedAt", m.finishedAt());
            g.writeNumberField("rawBytes", m.rawBytes());
            g.writeNumberField("storedBytes", m.storedBytes());
            g.writeStringField("sha256", m.sha256());
            g.writeStringField("compression", m.compression());
            g.writeStringField("encryption", m.encryption());
            g.writeStringField("keyId", m.keyId());
            g.writeStringField("dataObject", m.dataObject());
            g.writeObjectFieldStart("counts");
            for (Map.Entry<String, Long> e : new TreeMap<>(m.counts()).entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("error", m.error());
            g.writeStringField("host", m.host());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("manifest not serialisable", e);
        }
        return bytes.toByteArray();
    }

    private static void instant(JsonGenerator g, String name, Instant t) throws IOException {
        g.writeStringField(name, t == null ? null : t.toString());
    }

    /**
     * Returns the manifest.
     *
     * @param json bytes
     * @return the manifest
     * @throws IOException when it is not a manifest
     */
    public static Manifest read(byte[] json) throws IOException {
        int formatVersion = 0;
        String id = null;
        Manifest.Status status = null;
        String sourceKind = null;
        String database = null;
        Map<String, String> toolVersions = null;
        Instant startedAt = null;
        Instant finishedAt = null;
        long rawBytes = 0;
        long storedBytes = 0;
        String sha256 = null;
        String compression = null;
        String encryption = null;
        String keyId = null;
        String dataObject = null;
        Map<String, Long> counts = null;
        String error = null;
        String host = null;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a backup manifest: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "formatVersion":
                        formatVersion = p.getValueAsInt();
                        break;
                    case "id":
                        id = text(p);
                        break;
                    case "status":
                        status = status(text(p));
                        break;
                    case "sourceKind":
                        sourceKind = text(p);
                        break;
                    case "database":
                        database = text(p);
                        break;
                    case "toolVersions":
                        toolVersions = value == JsonToken.VALUE_NULL ? null : stringMap(p);
                        break;
                    case "startedAt":
                        startedAt = instant(p);
                        break;
                    case "finishedAt":
                        finishedAt = instant(p);
                        break;
                    case "rawBytes":
                        rawBytes = p.getValueAsLong();
                        break;
                    case "storedBytes":
                        storedBytes = p.getValueAsLong();
                        break;
                    case "sha256":
                        sha256 = text(p);
                        break;
                    case "compression":
                        compression = text(p);
                        break;
                    case "encryption":
                        encryption = text(p);
                        break;
                    case "keyId":
                        keyId = text(p);
                        break;
                    case "dataObject":
                        dataObject = text(p);
                        break;
                    case "counts":
                        counts = value == JsonToken.VALUE_NULL ? null : longMap(p);
                        break;
                    case "error":
                        error = text(p);
                        break;
                    case "host":
                        host = text(p);
                        break;
                    default:
                        p.skipChildren(); // a field of a later version
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("not a backup manifest: " + e.getOriginalMessage(), e);
        }
        if (id == null || status == null || startedAt == null) {
            throw new IOException("not a backup manifest: id, status or startedAt missing");
        }
        return new Manifest(formatVersion, id, status, sourceKind, database, toolVersions, startedAt, finishedAt,
                rawBytes, storedBytes, sha256, compression, encryption, keyId, dataObject, counts, error, host);
    }

    private static String text(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!p.currentToken().isScalarValue()) {
            throw new IOException("not a backup manifest: '" + p.currentName() + "' is not a value");
        }
        return p.getValueAsString();
    }

    private static Manifest.Status status(String s) throws IOException {
        try {
            return s == null ? null : Manifest.Status.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a backup manifest: unknown status '" + s + "'", e);
        }
    }

    private static Instant instant(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        try {
            // written as ISO-8601 text; whole epoch seconds in a long are read too, and no other number:
            // a decimal with a huge exponent would spin in BigDecimal arithmetic (review 2026-11-27 B1)
            if (t == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
                    || p.getNumberType() == JsonParser.NumberType.LONG)) {
                return Instant.ofEpochSecond(p.getLongValue());
            }
            if (t.isNumeric()) {
                throw new IOException("not a backup manifest: '" + p.currentName() + "' is not an instant");
            }
            return Instant.parse(text(p));
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw new IOException("not a backup manifest: '" + p.currentName() + "' is not an instant", e);
        }
    }

    private static Map<String, String> stringMap(JsonParser p) throws IOException {
        expectObject(p);
        Map<String, String> m = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            m.put(key, entry(p, text(p)));
        }
        return m;
    }

    private static Map<String, Long> longMap(JsonParser p) throws IOException {
        expectObject(p);
        Map<String, Long> m = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            m.put(key, entry(p, p.currentToken() == JsonToken.VALUE_NULL ? null : p.getValueAsLong()));
        }
        return m;
    }

    private static <T> T entry(JsonParser p, T value) throws IOException {
        if (value == null) {
            throw new IOException("not a backup manifest: '" + p.currentName() + "' is null");
        }
        return value;
    }

    private static void expectObject(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("not a backup manifest: '" + p.currentName() + "' is not an object");
        }
    }
}
