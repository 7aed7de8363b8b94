package dev.bulwark.backup.bench;

import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.Manifest;
import dev.bulwark.testsupport.TestServices;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
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
 * One backup of the same PostgreSQL database: bare {@code pg_dump -Fc > file} vs ours (zstd,
 * zstd + Tink). The forked JVM has a 64 MiB heap: ours must stream whatever the database size.
 * After each iteration a line {@code RESULT ...} gives the stored size and the peak heap.
 *
 * <pre>scripts/benchmark.sh backup BackupBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class BackupBenchmark {
    @Param({"100", "300"})
    public int dbMb;

    @Param({"pg_dump -Fc", "ours zstd", "ours zstd+tink"})
    public String variant;

    private String db;
    private Path dir;
    private BackupManager manager;
    private long stored;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        db = BenchDatabase.ensure(dbMb);
        dir = Files.createTempDirectory("bulwark-bench-");
        manager = BenchDatabase.manager(db, dir, variant.contains("tink"));
    }

    @Setup(Level.Iteration)
    public void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    @Benchmark
    public long backup() throws Exception {
        if (variant.startsWith("pg_dump")) {
            File out = dir.resolve("bare-" + System.nanoTime() + ".dump").toFile();
            ProcessBuilder pb = new ProcessBuilder("pg_dump", "-Fc", "--no-password", "--dbname=" + db)
                    .redirectOutput(out).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("PGHOST", "127.0.0.1");
            pb.environment().put("PGUSER", TestServices.postgresUser());
            pb.environment().put("PGPASSWORD", TestServices.postgresPassword());
            if (pb.start().waitFor() != 0) {
                throw new IllegalStateException("pg_dump failed");
            }
            stored = out.length();
            return stored;
        }
        Manifest m = manager.backup();
        stored = m.storedBytes();
        return stored;
    }

    @TearDown(Level.Iteration)
    public void report() throws Exception {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "%nRESULT variant=%s dbMb=%d dbBytes=%d storedBytes=%d peakHeapMiB=%.1f%n",
                variant, dbMb, BenchDatabase.sizeBytes(db), stored, peak / 1048576.0);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
