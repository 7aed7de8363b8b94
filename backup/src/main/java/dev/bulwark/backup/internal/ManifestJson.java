package dev.bulwark.backup.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.bulwark.backup.Manifest;
import java.io.IOException;

/** Reads and writes manifests as JSON (ISO-8601 instants). */
public final class ManifestJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ManifestJson() {
    }

    /** Returns a copy of the configured mapper (also used for reports). */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    /**
     * Returns its JSON bytes.
     *
     * @param m manifest
     * @return its JSON bytes
     */
    public static byte[] write(Manifest m) {
        try {
            return MAPPER.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("manifest not serialisable", e);
        }
    }

    /**
     * Returns the manifest.
     *
     * @param json bytes
     * @return the manifest
     * @throws IOException when it is not a manifest
     */
    public static Manifest read(byte[] json) throws IOException {
        Manifest m = MAPPER.readValue(json, Manifest.class);
        if (m == null || m.id() == null) {
            throw new IOException("not a backup manifest");
        }
        return m;
    }
}
