package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The row counts a PostgreSQL backup records, read off the dump stream, equal count(*) of every table. */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class PgDumpRowCountsIT {
    @TempDir
    Path tmp;

    private PgFixture db;

    @BeforeEach
    void setUp() throws Exception {
        db = new PgFixture(300_000); // orders: a large table, several MiB of COPY data (many chunks)
        db.execute("CREATE TABLE tricky(id int, t text, b bytea, j jsonb, a text[])");
        db.execute("INSERT INTO tricky VALUES"
                + " (1, E'line one\\nline two\\r\\nthree', E'\\\\x0a0d5c09'::bytea, '{\"k\": \"a\\nb\"}', ARRAY[E'x\\ny', 'z']),"
                + " (2, E'tab\\there\\tand\\\\backslash\\\\', NULL, NULL, NULL),"
                + " (3, E'\\\\.', NULL, NULL, NULL)," // the COPY end marker as a value
                + " (4, '', '', '[]', '{}'),"
                + " (5, NULL, NULL, NULL, NULL)");
        db.execute("INSERT INTO tricky SELECT g, repeat(E'\\n', g % 5) || g, NULL, NULL, NULL"
                + " FROM generate_series(6, 5000) g");
        db.execute("CREATE TABLE empty_table(id int)");
        db.execute("CREATE SCHEMA \"Odd Schema.x\"");
        db.execute("CREATE TABLE \"Odd Schema.x\".\"We\"\"ird Name\"\"\"(v text)");
        db.execute("INSERT INTO \"Odd Schema.x\".\"We\"\"ird Name\"\"\" VALUES ('a'), (E'b\\nc'), ('d')");
        db.execute("CREATE TABLE measurements(day date NOT NULL, v int) PARTITION BY RANGE (day)");
        db.execute("CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
        db.execute("CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
        db.execute("INSERT INTO measurements SELECT date '2025-01-01' + (g % 700), g FROM generate_series(1, 7000) g");
        db.execute("CREATE UNLOGGED TABLE scratch(v int)");
        db.execute("INSERT INTO scratch SELECT generate_series(1, 12)");
        db.execute("CREATE MATERIALIZED VIEW big_orders AS SELECT * FROM orders WHERE amount > 50");
        db.execute("SELECT lo_from_bytea(0, E'large\\nobject'::bytea)");
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @ParameterizedTest(name = "pgJobs={0}")
    @ValueSource(ints = {1, 2})
    void rowCountsReadOffTheDumpEqualCountStarOfEveryTable(int jobs) throws Exception {
        BackupSettings settings = BackupSettings.builder().pgJobs(jobs).stagingDir(tmp.resolve("staging")).build();
        BackupManager m = db.manager(settings, tmp.resolve("store"));

        Manifest manifest = m.backup();

        Map<String, Long> expected = countStar();
        assertThat(new TreeMap<>(manifest.counts())).isEqualTo(expected);
        assertThat(expected).containsEntry("public.orders", 300_000L).containsEntry("public.tricky", 5000L)
                .containsEntry("public.empty_table", 0L).containsEntry("Odd Schema.x.We\"ird Name\"", 3L)
                .containsEntry("public.measurements_2025", 3650L).containsEntry("public.scratch", 12L);
        RestoreResult restored = m.restoreTest(manifest.id());
        assertThat(restored.ok()).as(restored.mismatches().toString()).isTrue();
    }

    /**
     * The fallback: tables whose data the archive lacks (here left out by a pg_dump wrapper, as an
     * extension's tables are) are counted with count(*) in the dump's snapshot, through the psql
     * session that exported it; the names (quotes, a dot, a newline) are quoted by the server.
     */
    @Test
    void tablesWhoseDataIsNotInTheDumpAreCountedWithCountStarInTheSnapshot() throws Exception {
        db.execute("CREATE TABLE \"new\nline\"(v int)");
        db.execute("INSERT INTO \"new\nline\" SELECT generate_series(1, 7)");
        Path wrapper = tmp.resolve("pg_dump_without_some_data");
        Files.writeString(wrapper, "#!/bin/sh\nexec pg_dump \"$@\" --exclude-table-data=public.tricky"
                + " --exclude-table-data='\"Odd Schema.x\".*' --exclude-table-data='public.new?line'\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        BackupSettings settings = BackupSettings.builder().pgDump(wrapper.toString()).build();
        BackupManager m = db.manager(settings, tmp.resolve("store"));

        Manifest manifest = m.backup();

        Map<String, Long> expected = countStar();
        assertThat(new TreeMap<>(manifest.counts())).isEqualTo(expected);
        assertThat(expected).containsEntry("public.tricky", 5000L).containsEntry("Odd Schema.x.We\"ird Name\"", 3L)
                .containsEntry("public.new\nline", 7L);
    }

    private Map<String, Long> countStar() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = db.connect(db.database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog',"
                        + " 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
            while (rs.next()) {
                counts.put(rs.getString(1) + "." + rs.getString(2), null);
            }
        }
        for (String key : counts.keySet()) {
            int dot = key.startsWith("Odd Schema.x.") ? "Odd Schema.x".length() : key.indexOf('.');
            counts.put(key, db.count(db.database, "SELECT count(*) FROM \"" + key.substring(0, dot).replace("\"", "\"\"")
                    + "\".\"" + key.substring(dot + 1).replace("\"", "\"\"") + "\""));
        }
        return counts;
    }
}
