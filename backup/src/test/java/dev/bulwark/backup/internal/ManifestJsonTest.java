package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bulwark.backup.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Manifests are written and read with Jackson's streaming API (cheap in a fresh JVM); the bytes
 * must stay exactly what the data-binding mapper writes, and each must read the other's.
 */
class ManifestJsonTest {

    private static List<Manifest> samples() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("pg_dump", "pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)");
        versions.put("bulwark-backup", "0.1.0");
        versions.put("zstd-jni", "1.5.7-28");
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("public.orders", 20_000L);
        counts.put("Odd Schema.x.We\"ird\nName", 3L);
        counts.put("audit.events", 0L);
        counts.put("public.big", Long.MAX_VALUE);
        Instant start = Instant.parse("2026-11-25T02:00:00.012345678Z");
        Manifest running = new Manifest(1, "20261125T020000Z-3fa2c1", Manifest.Status.RUNNING, "postgresql", "orders",
                versions, start, null, 0, 0, null, "zstd", "tink-AES256_GCM_HKDF_1MB", "312175970",
                "20261125T020000Z-3fa2c1.dump.zst.tink", Map.of(), null, "app-1");
        Manifest complete = running.complete(Instant.parse("2026-11-25T02:00:04Z"), 52_431_872L, 9_113_655L,
                "c69537a4", counts);
        Manifest failed = running.failed(Instant.parse("2026-11-25T02:00:01.5Z"),
                "pg_dump: error: \"quoted\" \\ back\tslash\nnew line, ünïcödé, \u0001 control");
        Manifest sparse = new Manifest(1, "x", Manifest.Status.FAILED, null, null, null, start, null, 0, 0, null, null,
                null, null, null, null, null, null);
        return List.of(running, complete, failed, sparse);
    }

    @Test
    void writesExactlyWhatTheDataBindingMapperWrites() throws Exception {
        for (Manifest m : samples()) {
            assertThat(new String(ManifestJson.write(m), StandardCharsets.UTF_8))
                    .isEqualTo(new String(ManifestJson.mapper().writeValueAsBytes(m), StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsBackWhatEitherWrote() throws Exception {
        for (Manifest m : samples()) {
            assertThat(ManifestJson.read(ManifestJson.write(m))).isEqualTo(m);
            assertThat(ManifestJson.read(ManifestJson.mapper().writeValueAsBytes(m))).isEqualTo(m);
            assertThat(ManifestJson.mapper().readValue(ManifestJson.write(m), Manifest.class)).isEqualTo(m);
        }
    }

    @Test
    void ignoresFieldsOfALaterVersion() throws Exception {
        String json = "{\"id\":\"a\",\"status\":\"COMPLETE\",\"startedAt\":\"2026-11-25T02:00:00Z\","
                + "\"future\":{\"nested\":[1,2,{\"x\":null}]},\"rawBytes\":5}";

        Manifest m = ManifestJson.read(json.getBytes(StandardCharsets.UTF_8));

        assertThat(m.id()).isEqualTo("a");
        assertThat(m.rawBytes()).isEqualTo(5);
    }

    @Test
    void refusesWhatIsNotAManifestWithAnIoException() {
        for (String bad : List.of("[]", "{}", "{\"id\":\"a\",\"status\":\"DONE\",\"startedAt\":\"2026-11-25T02:00:00Z\"}",
                "{\"id\":\"a\",\"status\":\"COMPLETE\",\"startedAt\":\"yesterday\"}",
                "{\"id\":\"a\",\"status\":\"COMPLETE\",\"startedAt\":\"2026-11-25T02:00:00Z\",\"toolVersions\":{\"x\":null}}",
                "{\"id\":\"a\",\"status\":\"COMPLETE\",\"startedAt\":\"2026-11-25T02:00:00Z\",\"counts\":{\"t\":null}}",
                "{\"id\":", "not json")) {
            assertThatThrownBy(() -> ManifestJson.read(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(IOException.class);
        }
    }

    /** Review 2026-11-27 B1: a planted manifest with such a time spun every reader (list, verify) for minutes. */
    @Test
    void refusesTimesThatAreNumbersOutOfRangeQuicklyAndAsAnIoException() {
        for (String time : List.of("1e9999999", "-1e9999999", "1e100000", "1e20", "1.5", "99999999999999999999",
                "31556889864403200")) {
            String bad = "{\"id\":\"a\",\"status\":\"COMPLETE\",\"startedAt\":" + time + "}";
            // minutes without the fix; 10 s leaves room for a loaded machine's first parse
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> assertThatThrownBy(
                    () -> ManifestJson.read(bad.getBytes(StandardCharsets.UTF_8))).as(time).isInstanceOf(IOException.class));
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ManifestJson.read(
                "{\"id\":\"a\",\"status\":\"COMPLETE\",\"startedAt\":1795726357}".getBytes(StandardCharsets.UTF_8))))
                .as("whole epoch seconds are still read").isNull();
    }

    @Test
    void readsThePsqlTableListWithNamesOfAnyCharacter() throws Exception {
        List<String[]> tables = PgDumpSource.tableList("[[\"public\", \"orders\", 16384], "
                + "[\"Odd Schema.x\", \"We\\\"ird\\nName\", 16390]]");

        assertThat(tables).hasSize(2);
        assertThat(tables.get(1)).containsExactly("Odd Schema.x", "We\"ird\nName", "16390");
        assertThatThrownBy(() -> PgDumpSource.tableList("{\"a\":1}")).isInstanceOf(IOException.class);
    }
}
