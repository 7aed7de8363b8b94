package dev.bulwark.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCliTest {
    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void source() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("uploads"));
        Files.writeString(src.resolve("a.txt"), "alpha");
        env.put("BACKUP_SOURCE_DIR", src.toString());
        env.put("BACKUP_DIR", tmp.resolve("store").toString());
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return new BackupCli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void backupListVerifyTestRestoreAndPruneWorkFromTheCommandLine() {
        assertThat(run("backup")).as(err()).isZero();
        assertThat(out()).contains("complete").contains("sha256");
        assertThat(run("list")).isZero();
        assertThat(out()).contains("COMPLETE").contains("1 backup(s)");
        assertThat(run("list", "--json")).isZero();
        assertThat(out()).startsWith("[").contains("\"status\" : \"COMPLETE\"");
        assertThat(run("verify", "--all")).isZero();
        assertThat(out()).contains("OK: sha256");
        assertThat(run("test-restore", "--latest")).isZero();
        assertThat(out()).contains("counts match (2)");
        assertThat(run("restore", "--latest", "--target", tmp.resolve("back").toString())).isZero();
        assertThat(tmp.resolve("back/a.txt")).hasContent("alpha");
        assertThat(run("prune")).isZero();
        assertThat(out()).contains("kept 1, pruned 0");
        assertThat(run("drill")).isZero();
        assertThat(out()).contains("drill PASSED").contains("\"countsMatch\":true");
    }

    @Test
    void usageAndConfigurationErrorsExitWithTwoAndSayWhatToDo() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("usage: " + BackupCli.NAME + " <command>");
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown command 'frobnicate'");
        assertThat(run("restore", "--latest")).isEqualTo(2);
        assertThat(err()).contains("restore needs --target");
        env.put("BACKUP_RETENTION_DAYS", "-3");
        assertThat(run("backup")).isEqualTo(2);
        assertThat(err()).contains("BACKUP_RETENTION_DAYS");
        env.remove("BACKUP_RETENTION_DAYS");
        env.remove("BACKUP_SOURCE_DIR");
        assertThat(run("backup")).isEqualTo(2);
        assertThat(err()).contains("nothing to back up").contains("DB_URL");
        assertThat(run("keygen")).isEqualTo(2);
        assertThat(err()).contains("keygen needs --out");
    }

    @Test
    void failuresExitWithOneAndVerifyReportsCorruption() throws Exception {
        assertThat(run("verify", "--latest")).isEqualTo(1);
        assertThat(err()).contains("no good backup");
        assertThat(run("backup")).isZero();
        Path data;
        try (var files = Files.list(tmp.resolve("store"))) {
            data = files.filter(p -> p.getFileName().toString().contains(".dump")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(data, bytes);
        assertThat(run("verify")).isEqualTo(1);
        assertThat(out()).contains("CORRUPT");
        assertThat(run("test-restore", "--latest")).isEqualTo(1);
        assertThat(err()).contains("refusing to restore it");
    }

    @Test
    void keygenWritesAnOwnerOnlyKeysetAndNeverOverwritesOne() throws Exception {
        Path keyset = tmp.resolve("k.json");
        assertThat(run("keygen", "--out", keyset.toString())).isZero();
        assertThat(out()).contains("wrote keyset with key");
        assertThat(Files.getPosixFilePermissions(keyset).toString()).doesNotContain("GROUP").doesNotContain("OTHERS");
        assertThat(run("keygen", "--out", keyset.toString())).isEqualTo(2);
        assertThat(err()).contains("already exists");
        env.put("BACKUP_ENCRYPTION_KEYSET_FILE", keyset.toString());
        assertThat(run("backup")).isZero();
        assertThat(out()).contains("encryption tink-AES256_GCM_HKDF_1MB");
    }
}
