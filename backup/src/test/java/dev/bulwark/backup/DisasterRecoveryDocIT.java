package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.backup.internal.LocalBackupStore;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every command of docs/DISASTER_RECOVERY.md, block by block, after causing the disaster
 * each block recovers from, against a real PostgreSQL — and checks the data is back.
 */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class DisasterRecoveryDocIT {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path DOC = ROOT.resolve("docs/DISASTER_RECOVERY.md");

    @TempDir
    Path tmp;

    private PgFixture db;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        db = new PgFixture(5000);
        env = new LinkedHashMap<>(db.env());
        env.put("BACKUP_DIR", tmp.resolve("backups").toString());
        Path keyset = tmp.resolve("keyset.json");
        Files.writeString(keyset, BackupEncryption.generateKeyset());
        env.put("BACKUP_ENCRYPTION_KEYSET_FILE", keyset.toString());
        env.put("NEW_KEYSET", tmp.resolve("new-keyset.json").toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    static Map<String, String> blocks() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```bash\\n# run: ([a-z-]+)\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        Map<String, String> blocks = new LinkedHashMap<>();
        while (m.find()) {
            blocks.put(m.group(1), m.group(2));
        }
        return blocks;
    }

    private String run(String id) throws Exception {
        return run(id, env);
    }

    private String run(String id, Map<String, String> environment) throws Exception {
        String block = blocks().get(id);
        assertThat(block).as("block '# run: " + id + "' in " + DOC).isNotNull();
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", block)
                .directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("block " + id + " failed:\n" + output).isZero();
        return output;
    }

    private void backupNow() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("scripts/backup.sh").toString(), "backup")
                .directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void everyBashBlockInTheDocumentIsRunByThisTest() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        long bashBlocks = Pattern.compile("```bash").matcher(doc).results().count();
        assertThat(blocks().keySet())
                .containsExactly("corruption", "deletion", "lost-host", "lost-key", "drill", "drill-destroy");
        assertThat(bashBlocks).isEqualTo(blocks().size());
        assertThat(doc).contains("RTO").contains("1 hour").contains("RPO").contains("24 hours");
    }

    @Test
    void corruptionIsRepairedFromTheNewestGoodBackup() throws Exception {
        backupNow();
        db.execute("UPDATE orders SET amount = -1");

        String out = run("corruption");

        assertThat(out).contains("OK: sha256").contains("counts match");
        assertThat(db.count(db.database, "SELECT count(*) FROM orders WHERE amount < 0")).isZero();
        assertThat(db.count(db.database, "SELECT count(*) FROM orders")).isEqualTo(5000);
        assertThat(db.exists(db.database + "_damaged")).as("damaged copy kept for investigation").isTrue();
    }

    @Test
    void deletedRowsAreCopiedBackFromARestoredSideDatabase() throws Exception {
        backupNow();
        db.execute("DELETE FROM orders WHERE id % 2 = 0");

        run("deletion");

        assertThat(db.count(db.database, "SELECT count(*) FROM orders")).isEqualTo(5000);
        assertThat(db.count(db.database, "SELECT count(*) FROM customers")).isEqualTo(100);
        assertThat(db.exists(db.database + "_restored")).isFalse();
    }

    @Test
    void lostHostIsRebuiltFromTheBackups() throws Exception {
        backupNow();
        db.drop(db.database);

        String out = run("lost-host");

        assertThat(out).contains("counts match").contains("complete");
        assertThat(db.count(db.database, "SELECT count(*) FROM orders")).isEqualTo(5000);
        assertThat(db.count(db.database, "SELECT count(*) FROM audit.events")).isEqualTo(42);
    }

    @Test
    void lostKeyIsReplacedAndANewReadableBackupTakenAtOnce() throws Exception {
        backupNow();
        Path lost = Path.of(env.get("BACKUP_ENCRYPTION_KEYSET_FILE"));
        Files.writeString(lost, BackupEncryption.generateKeyset());

        String out = run("lost-key");

        assertThat(out).contains("WRONG_KEY").contains("unreadable with the configured keyset")
                .contains("wrote keyset");
        BackupEncryption fresh = BackupEncryption.fromKeysetFile(Path.of(env.get("NEW_KEYSET")));
        BackupManager m = BackupManager.builder(new PgDumpSource(db.url(), db.user, db.password,
                BackupSettings.builder().build()), new LocalBackupStore(Path.of(env.get("BACKUP_DIR"))))
                .settings(BackupSettings.builder().encryption(fresh).build()).build();
        Manifest newest = m.refresh().orElseThrow();
        assertThat(newest.keyId()).isEqualTo(fresh.keyId());
        assertThat(m.verify(newest.id()).ok()).isTrue();
        assertThat(Files.getPosixFilePermissions(Path.of(env.get("NEW_KEYSET"))))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void drillReportsRestoreTimeAgainstRtoAndBackupAgeAgainstRpo() throws Exception {
        String out = run("drill");

        assertThat(out).contains("drill PASSED").contains("\"countsMatch\":true").contains("\"rtoSeconds\":3600")
                .contains("\"rpoSeconds\":86400");
        assertThat(db.count(db.database, "SELECT count(*) FROM orders")).isEqualTo(5000);
    }

    @Test
    void destructiveDrillDropsTheDatabaseAndBringsItBack() throws Exception {
        String out = run("drill-destroy");

        assertThat(out).contains("drill PASSED").contains("into database " + db.database);
        assertThat(db.count(db.database, "SELECT count(*) FROM orders")).isEqualTo(5000);
        assertThat(List.of(db.exists(db.database))).containsExactly(true);
    }
}
