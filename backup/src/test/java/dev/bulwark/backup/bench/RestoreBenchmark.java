package dev.bulwark.backup.bench;

import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.Manifest;
import dev.bulwark.backup.RestoreResult;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.TestServices;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Restore of the same database into a new one: bare {@code pg_restore -d new file.dump} vs ours
 * (checksum check, decrypt, decompress, {@code pg_restore --single-transaction}, row counts).
 *
 * <pre>scripts/benchmark.sh backup RestoreBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class RestoreBenchmark {
    @Param({"300"})
    public int dbMb;

    @Param({"pg_restore", "ours zstd+tink"})
    public String variant;

    private Path dir;
    private File bare;
    private BackupManager manager;
    private String backupId;
    private String target;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String db = BenchDatabase.ensure(dbMb);
        dir = Files.createTempDirectory("bulwark-bench-");
        manager = BenchDatabase.manager(db, dir, true);
        if (variant.equals("pg_restore")) {
            bare = dir.resolve("bare.dump").toFile();
            ProcessBuilder pb = pg("pg_dump", "-Fc", "--dbname=" + db).redirectOutput(bare);
            if (pb.start().waitFor() != 0) {
                throw new IllegalStateException("pg_dump failed");
            }
        } else {
            Manifest m = manager.backup();
            backupId = m.id();
        }
    }

    private static ProcessBuilder pg(String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("PGHOST", "127.0.0.1");
        pb.environment().put("PGUSER", TestServices.postgresUser());
        pb.environment().put("PGPASSWORD", TestServices.postgresPassword());
        return pb;
    }

    @Setup(Level.Invocation)
    public void name() {
        target = "bulwark_bench_restore_" + System.nanoTime();
    }

    @Benchmark
    public Object restore() throws Exception {
        if (bare != null) {
            try (Connection c = BenchDatabase.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + target);
            }
            if (pg("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                    "--dbname=" + target, bare.getPath()).start().waitFor() != 0) {
                throw new IllegalStateException("pg_restore failed");
            }
            return target;
        }
        RestoreResult r = manager.restore(backupId, target);
        if (!r.ok()) {
            throw new IllegalStateException(r.mismatches().toString());
        }
        return r;
    }

    @TearDown(Level.Invocation)
    public void drop() throws Exception {
        new PgDumpSource(BenchDatabase.url(target), TestServices.postgresUser(), TestServices.postgresPassword(),
                BackupSettings.builder().build()).dropDatabase();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
