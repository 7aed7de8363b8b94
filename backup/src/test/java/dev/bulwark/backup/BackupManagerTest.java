package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.backup.internal.H2Source;
import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.ManifestJson;
import dev.bulwark.testsupport.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackupManagerTest {
    @TempDir
    Path tmp;

    private String h2Url;
    private Connection keepAlive;

    @BeforeEach
    void populate() throws SQLException {
        h2Url = "jdbc:h2:mem:src" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        keepAlive = DriverManager.getConnection(h2Url, "sa", "");
        try (Statement s = keepAlive.createStatement()) {
            s.execute("CREATE TABLE trades(id INT PRIMARY KEY, symbol VARCHAR(10), qty INT)");
            s.execute("INSERT INTO trades SELECT X, 'SYM' || MOD(X, 7), X * 3 FROM SYSTEM_RANGE(1, 2500)");
            s.execute("CREATE TABLE accounts(id INT PRIMARY KEY, name VARCHAR(40))");
            s.execute("INSERT INTO accounts VALUES (1, 'alice'), (2, 'bob')");
        }
    }

    @AfterEach
    void close() throws SQLException {
        try (Statement s = keepAlive.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    private BackupManager manager(BackupSettings settings) {
        return BackupManager.builder(new H2Source(h2Url, "sa", ""), new LocalBackupStore(tmp.resolve("backups")))
                .settings(settings).build();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void backupOfH2RestoresIntoScratchWithMatchingCounts(Compression compression) {
        BackupManager m = manager(BackupSettings.builder().compression(compression).build());

        Manifest manifest = m.backup();
        RestoreResult restored = m.restoreTest(manifest.id());

        assertThat(manifest.status()).isEqualTo(Manifest.Status.COMPLETE);
        assertThat(manifest.counts()).containsEntry("PUBLIC.TRADES", 2500L).containsEntry("PUBLIC.ACCOUNTS", 2L);
        assertThat(manifest.compression()).isEqualTo(compression.label());
        assertThat(manifest.sha256()).hasSize(64);
        assertThat(restored.ok()).as(restored.mismatches().toString()).isTrue();
        assertThat(restored.actual()).isEqualTo(manifest.counts());
        assertThat(m.verify(manifest.id()).outcome()).isEqualTo(VerifyResult.Outcome.OK);
    }

    @Test
    void compressionShrinksTheStoredData() {
        BackupManager m = manager(BackupSettings.builder().build());
        Manifest manifest = m.backup();
        assertThat(manifest.storedBytes()).isLessThan(manifest.rawBytes() / 2);
    }

    @Test
    void encryptedBackupRecordsTheKeyIdAndRestoresWithTheKeyset() throws IOException {
        BackupEncryption enc = BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset());
        BackupManager m = manager(BackupSettings.builder().encryption(enc).build());

        Manifest manifest = m.backup();

        assertThat(manifest.keyId()).isEqualTo(enc.keyId());
        assertThat(manifest.encryption()).isEqualTo(BackupEncryption.SCHEME);
        assertThat(manifest.dataObject()).endsWith(".dump.zst.tink");
        byte[] stored = Files.readAllBytes(tmp.resolve("backups").resolve(manifest.dataObject()));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("alice").doesNotContain("TRADES");
        assertThat(m.restoreTest(manifest.id()).ok()).isTrue();
    }

    @Test
    void aPlaintextBackupPlantedInAnEncryptedStoreIsNeitherTrustedNorRestored() throws SQLException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        BackupSettings encrypted = BackupSettings.builder()
                .encryption(BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset())).build();
        BackupManager operator = BackupManager.builder(new H2Source(h2Url, "sa", ""),
                new LocalBackupStore(tmp.resolve("backups"))).settings(encrypted).clock(clock).build();
        Manifest genuine = operator.backup();
        // Someone who can write to the store but holds no key: a plaintext backup of their own data, newer.
        try (Connection c = DriverManager.getConnection(h2Url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("INSERT INTO accounts VALUES (99, 'mallory')");
        }
        clock.advance(Duration.ofHours(1));
        Manifest forged = BackupManager.builder(new H2Source(h2Url, "sa", ""), new LocalBackupStore(tmp.resolve("backups")))
                .settings(BackupSettings.builder().build()).clock(clock).build().backup();
        assertThat(forged.keyId()).isNull();
        String target = "jdbc:h2:mem:planted" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";

        VerifyResult verify = operator.verify(forged.id());
        assertThat(verify.outcome()).isEqualTo(VerifyResult.Outcome.CORRUPT);
        assertThat(verify.detail()).contains("not encrypted").contains("BACKUP_INSECURE_ALLOW_UNENCRYPTED_RESTORE");
        assertThat(operator.refresh()).map(Manifest::id).contains(genuine.id());
        assertThatThrownBy(() -> operator.restore(forged.id(), target)).isInstanceOf(BackupException.class)
                .hasMessageContaining("BACKUP_INSECURE_ALLOW_UNENCRYPTED_RESTORE").hasMessageContaining("nothing was restored");
        assertThatThrownBy(() -> operator.forceRestore(forged.id(), target)).hasMessageContaining("nothing was restored");
        assertThatThrownBy(() -> operator.restoreTest(forged.id())).isInstanceOf(BackupException.class);

        // The explicit opt-out, for backups taken before encryption was switched on.
        BackupManager lenient = BackupManager.builder(new H2Source(h2Url, "sa", ""),
                new LocalBackupStore(tmp.resolve("backups")))
                .settings(encrypted.toBuilder().allowUnencryptedRestore(true).build()).clock(clock).build();
        assertThat(lenient.verify(forged.id()).outcome()).isEqualTo(VerifyResult.Outcome.OK);
        assertThat(lenient.refresh()).map(Manifest::id).contains(forged.id());
        assertThat(BackupSettings.fromEnvironment(Map.of("BACKUP_INSECURE_ALLOW_UNENCRYPTED_RESTORE", "true"))
                .allowUnencryptedRestore()).isTrue();
        assertThat(BackupSettings.builder().build().allowUnencryptedRestore()).isFalse();
    }

    @Test
    void wrongKeyIsReportedAndNothingIsRestored() {
        BackupManager writer = manager(BackupSettings.builder()
                .encryption(BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset())).build());
        Manifest manifest = writer.backup();
        BackupManager reader = manager(BackupSettings.builder()
                .encryption(BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset())).build());
        String target = "jdbc:h2:mem:target" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";

        VerifyResult verify = reader.verify(manifest.id());

        assertThat(verify.outcome()).isEqualTo(VerifyResult.Outcome.WRONG_KEY);
        assertThat(verify.detail()).contains("key " + manifest.keyId()).contains("BACKUP_ENCRYPTION_KEYSET_FILE")
                .doesNotContain("\"value\"");
        assertThatThrownBy(() -> reader.restore(manifest.id(), target))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("encrypted with key " + manifest.keyId())
                .hasMessageContaining("nothing was restored");
        assertThatThrownBy(() -> reader.forceRestore(manifest.id(), target))
                .hasMessageContaining("nothing was restored");
    }

    @Test
    void flippedByteIsReportedCorruptAndRestoreRefusesUnlessForced() throws IOException {
        BackupManager m = manager(BackupSettings.builder().build());
        Manifest manifest = m.backup();
        Path data = tmp.resolve("backups").resolve(manifest.dataObject());
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(data, bytes);

        VerifyResult verify = m.verify(manifest.id());

        assertThat(verify.outcome()).isEqualTo(VerifyResult.Outcome.CORRUPT);
        assertThat(verify.detail()).contains("expected " + manifest.sha256());
        assertThatThrownBy(() -> m.restoreTest(manifest.id()))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("CORRUPT")
                .hasMessageContaining("refusing to restore it");
        assertThatThrownBy(() -> m.forceRestore(manifest.id(), null))
                .as("forced restore of corrupt zstd data fails in decompression, and says so")
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("the target was removed");
    }

    @Test
    void failingSourceLeavesAFailedManifestWithTheReasonAndNoData() throws IOException {
        BackupSource broken = new FailingSource("pg_dump: error: connection to server failed: FATAL: password"
                + " authentication failed for user \"bulwark\"");
        LocalBackupStore store = new LocalBackupStore(tmp.resolve("b"));
        MetricRegistry registry = new MetricRegistry();
        BackupManager m = BackupManager.builder(broken, store).metrics(registry).build();

        assertThatThrownBy(m::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("password authentication failed");

        assertThat(m.list()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Manifest.Status.FAILED);
            assertThat(f.error()).contains("password authentication failed");
            assertThat(f.sha256()).isNull();
        });
        assertThat(store.list()).allMatch(n -> n.endsWith(Manifest.SUFFIX));
        assertThat(Files.list(store.directory()).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.startsWith(".partial"));
        assertThat(registry.counter("bulwark.backup.failures").getCount()).isEqualTo(1);
        assertThat(m.verify(m.list().get(0).id()).outcome()).isEqualTo(VerifyResult.Outcome.INCOMPLETE);
        assertThatThrownBy(() -> m.restoreTest(m.list().get(0).id())).hasMessageContaining("refusing to restore");
    }

    @Test
    void twoConcurrentTriggersRunOnceAndTellTheOther() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackupSource slow = blocking(started, release);
        BackupManager m = BackupManager.builder(slow, new LocalBackupStore(tmp.resolve("c"))).build();
        CompletableFuture<Manifest> first = CompletableFuture.supplyAsync(m::backup);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(m::backup).isInstanceOf(BackupAlreadyRunningException.class)
                .hasMessageContaining("already running");
        assertThatThrownBy(m::prune).isInstanceOf(BackupAlreadyRunningException.class);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(m.list()).hasSize(1);
    }

    @Test
    void twoManagersSharingADirectoryExcludeEachOther() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackupSource slow = blocking(started, release);
        Path dir = tmp.resolve("shared");
        BackupManager one = BackupManager.builder(slow, new LocalBackupStore(dir)).build();
        BackupManager two = BackupManager.builder(slow, new LocalBackupStore(dir)).build();
        CompletableFuture<Manifest> first = CompletableFuture.supplyAsync(one::backup);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(two::backup).isInstanceOf(BackupAlreadyRunningException.class)
                .hasMessageContaining(dir.toString());
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).complete()).isTrue();
    }

    @Test
    void runAbandonedByADeadProcessIsMarkedFailedAndItsLeftoversRemoved() throws IOException {
        LocalBackupStore store = new LocalBackupStore(tmp.resolve("d"));
        Manifest abandoned = new Manifest(1, "20260101T000000Z-abcdef", Manifest.Status.RUNNING, "h2", "x", Map.of(),
                Instant.parse("2026-01-01T00:00:00Z"), null, 0, 0, null, "zstd", "none", null,
                "20260101T000000Z-abcdef.dump.zst", Map.of(), null, "h");
        try (BackupStore.Upload u = store.create(abandoned.manifestObject())) {
            u.stream().write(ManifestJson.write(abandoned));
            u.commit();
        }
        BackupStore.Upload partial = store.create(abandoned.dataObject());
        partial.stream().write(new byte[1000]);
        partial.stream().flush();
        // the process "dies": the upload is never committed nor closed
        BackupManager m = manager(BackupSettings.builder().build());
        BackupManager onStore = BackupManager.builder(new H2Source(h2Url, "sa", ""), store).build();
        assertThat(m).isNotNull();

        Manifest next = onStore.backup();

        assertThat(next.complete()).isTrue();
        Manifest old = onStore.manifest(abandoned.id());
        assertThat(old.status()).isEqualTo(Manifest.Status.FAILED);
        assertThat(old.error()).contains("abandoned");
        assertThat(Files.list(store.directory()).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.startsWith(".partial"))
                .doesNotContain(abandoned.dataObject());
    }

    @Test
    void healthFollowsTheAgeOfTheNewestGoodBackupAgainstTheRpo() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T02:00:00Z"));
        BackupManager m = BackupManager.builder(new H2Source(h2Url, "sa", ""),
                new LocalBackupStore(tmp.resolve("e"))).settings(BackupSettings.builder().build()).clock(clock).build();

        assertThat(m.healthCheck().execute().isHealthy()).isFalse();
        assertThat(m.healthCheck().execute().getMessage()).contains("no good backup");

        m.backup();
        clock.advance(Duration.ofHours(23));
        assertThat(m.healthCheck().execute().isHealthy()).isTrue();

        clock.advance(Duration.ofHours(2));
        assertThat(m.healthCheck().execute().isHealthy()).isFalse();
        assertThat(m.healthCheck().execute().getMessage()).contains("older than the RPO PT24H");
    }

    @Test
    void metricsDescribeTheLastRun() {
        MetricRegistry registry = new MetricRegistry();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T02:00:00Z"));
        BackupManager m = BackupManager.builder(new H2Source(h2Url, "sa", ""),
                new LocalBackupStore(tmp.resolve("f"))).metrics(registry).clock(clock).build();

        Manifest manifest = m.backup();
        clock.advance(Duration.ofMinutes(10));

        assertThat(registry.counter("bulwark.backup.completed").getCount()).isEqualTo(1);
        assertThat(registry.getGauges().get("bulwark.backup.last_size_bytes").getValue())
                .isEqualTo(manifest.storedBytes());
        assertThat(registry.getGauges().get("bulwark.backup.last_success_timestamp_seconds").getValue())
                .isEqualTo(clock.instant().minus(Duration.ofMinutes(10)).getEpochSecond());
        assertThat((Double) registry.getGauges().get("bulwark.backup.newest_good_age_seconds").getValue())
                .isEqualTo(600.0);
    }

    @Test
    void pruneAppliesRetentionButKeepsTheNewestGoodBackup() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T02:00:00Z"));
        MetricRegistry registry = new MetricRegistry();
        BackupManager m = BackupManager.builder(new H2Source(h2Url, "sa", ""), new LocalBackupStore(tmp.resolve("g")))
                .settings(BackupSettings.builder().retention(new Retention(7, 2, 0, 0, 0)).build())
                .clock(clock).metrics(registry).build();
        for (int day = 0; day < 10; day++) {
            m.backup();
            clock.advance(Duration.ofDays(1));
        }
        clock.advance(Duration.ofDays(30));

        Retention.Plan plan = m.prune();

        assertThat(plan.delete()).hasSize(8);
        assertThat(m.list()).hasSize(2);
        assertThat(registry.counter("bulwark.backup.pruned").getCount()).isEqualTo(8);
        assertThat(m.newestGood()).isPresent();
    }

    @Test
    void unknownIdIsAClearError() {
        BackupManager m = manager(BackupSettings.builder().build());
        assertThatThrownBy(() -> m.restoreTest("20990101T000000Z-000000"))
                .hasMessageContaining("no backup '20990101T000000Z-000000'")
                .hasMessageContaining("list the backups to find one");
        assertThatThrownBy(() -> m.manifest("../etc/passwd")).hasMessageContaining("is not a backup id");
        assertThat(m.verify("20990101T000000Z-000000").outcome()).isEqualTo(VerifyResult.Outcome.MISSING);
    }

    @Test
    void restoreNeverOverwritesAnExistingDatabase() {
        BackupManager m = manager(BackupSettings.builder().build());
        Manifest manifest = m.backup();
        assertThatThrownBy(() -> m.restore(manifest.id(), h2Url))
                .hasMessageContaining("already has tables");
    }

    /** A source whose dump writes a little, signals {@code started}, then waits for {@code release}. */
    private static BackupSource blocking(CountDownLatch started, CountDownLatch release) {
        return new FailingSource(null) {
            @Override
            public Map<String, Long> dump(OutputStream out) throws IOException {
                out.write("data".getBytes(StandardCharsets.UTF_8));
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of("files", 1L);
            }
        };
    }

    /** A source whose dump fails with a given message (or is overridden). */
    static class FailingSource implements BackupSource {
        private final String message;

        FailingSource(String message) {
            this.message = message;
        }

        @Override
        public String kind() {
            return "test";
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Map<String, Long> dump(OutputStream out) throws IOException {
            out.write(new byte[4096]);
            throw new IOException(message);
        }

        @Override
        public RestoreTarget restoreTarget(String target) {
            throw new UnsupportedOperationException();
        }
    }
}
