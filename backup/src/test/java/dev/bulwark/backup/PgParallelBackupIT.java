package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parallel directory-format path ({@code BACKUP_PG_JOBS} ≥ 2) against real PostgreSQL. */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class PgParallelBackupIT {
    @TempDir
    Path tmp;

    private PgFixture db;

    @BeforeEach
    void setUp() throws Exception {
        db = new PgFixture(20_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private BackupSettings.Builder parallel() {
        return BackupSettings.builder().pgJobs(3).stagingDir(tmp.resolve("staging"));
    }

    private BackupManager manager(BackupSettings settings) {
        return db.manager(settings, tmp.resolve("backups"));
    }

    private long stagedDirectories() throws Exception {
        Path staging = tmp.resolve("staging");
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(staging)) {
            return s.count();
        }
    }

    @Test
    void parallelBackupIsOneEncryptedTarThatVerifiesRestoresAndDrills() throws Exception {
        BackupManager m = manager(parallel()
                .encryption(BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset())).build());

        Manifest manifest = m.backup();

        assertThat(manifest.dataObject()).isEqualTo(manifest.id() + ".dir.tar.zst.tink");
        assertThat(manifest.counts()).containsEntry("public.orders", 20_000L).containsEntry("public.customers", 100L)
                .containsEntry("audit.events", 42L);
        assertThat(stagedDirectories()).as("staging removed after the backup").isZero();
        assertThat(m.verify(manifest.id()).ok()).isTrue();
        // the stored object decodes to one POSIX tar whose first entry is pg_dump's toc.dat
        try (InputStream in = new dev.bulwark.backup.internal.BackupVerifier(null, m.settings())
                .decode(manifest, Files.newInputStream(tmp.resolve("backups").resolve(manifest.dataObject())))) {
            byte[] head = in.readNBytes(512);
            assertThat(new String(head, 0, 7, StandardCharsets.US_ASCII)).isEqualTo("toc.dat");
            assertThat(new String(head, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
        }

        RestoreResult test = m.restoreTest(manifest.id());
        assertThat(test.ok()).as(test.mismatches().toString()).isTrue();

        String target = db.database + "_par";
        RestoreResult restored = m.restore(manifest.id(), target);
        assertThat(restored.ok()).as(restored.mismatches().toString()).isTrue();
        assertThat(db.count(target, "SELECT sum(amount * 100)::bigint FROM orders"))
                .isEqualTo(db.count(db.database, "SELECT sum(amount * 100)::bigint FROM orders"));

        DrillReport drill = m.drill(() -> { }, db.database + "_drill");
        assertThat(drill.restore().ok()).as(drill.restore().mismatches().toString()).isTrue();
        assertThat(drill.backupId()).isNotEqualTo(manifest.id());
        assertThat(m.manifest(drill.backupId()).dataObject()).endsWith(".dir.tar.zst.tink");
        assertThat(stagedDirectories()).as("staging removed after restores").isZero();
    }

    @Test
    void parallelCountsComeFromTheDumpsSnapshotUnderConcurrentWrites() throws Exception {
        BackupManager m = manager(parallel().build());
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = db.connect(db.database); Statement s = c.createStatement()) {
                int id = 1_000_000;
                while (stop.getCount() > 0) {
                    s.execute("INSERT INTO orders VALUES (" + id++ + ", 1, 1.0, 'concurrent')");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Manifest manifest;
        try {
            manifest = m.backup();
        } finally {
            stop.countDown();
            writer.get(30, TimeUnit.SECONDS);
        }

        RestoreResult restored = m.restoreTest(manifest.id());

        assertThat(restored.ok()).as(restored.mismatches().toString()).isTrue();
        assertThat(restored.actual().get("public.orders")).isEqualTo(manifest.counts().get("public.orders"));
    }

    @Test
    void aCustomFormatBackupStillRestoresWhenParallelJobsAreConfigured() {
        Manifest single = manager(BackupSettings.builder().build()).backup();
        assertThat(single.dataObject()).endsWith(".dump.zst");

        RestoreResult r = manager(parallel().build()).restoreTest(single.id());

        assertThat(r.ok()).as(r.mismatches().toString()).isTrue();
    }
}
