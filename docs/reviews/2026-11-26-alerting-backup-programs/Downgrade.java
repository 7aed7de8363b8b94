import dev.bulwark.backup.*;
import java.nio.file.*;

/**
 * The operator's manager encrypts (keyset configured). An attacker who can write the store but has
 * no key writes a plaintext backup of his own data (here: with a manager without a keyset, which is
 * exactly the two files an attacker would write). Does the operator's manager accept it?
 */
public class Downgrade {
    public static void main(String[] a) throws Exception {
        Path root = Files.createTempDirectory("rev-downgrade");
        Path store = root.resolve("store"), realData = root.resolve("real"), evilData = root.resolve("evil");
        Files.createDirectories(realData); Files.createDirectories(evilData);
        Files.writeString(realData.resolve("accounts.txt"), "alice 100\n");
        Files.writeString(evilData.resolve("accounts.txt"), "mallory 1000000\n");
        BackupSettings enc = BackupSettings.builder().encryption(BackupEncryption.fromKeysetJson(BackupEncryption.generateKeyset())).build();
        BackupManager operator = BackupManager.builder(BackupSource.directory(realData), BackupStore.local(store)).settings(enc).build();
        Manifest genuine = operator.backup();
        System.out.println("genuine:  " + genuine.id() + " keyId=" + genuine.keyId());
        Thread.sleep(1100);
        BackupManager attacker = BackupManager.builder(BackupSource.directory(evilData), BackupStore.local(store))
                .settings(BackupSettings.builder().build()).build();
        Manifest forged = attacker.backup();
        System.out.println("forged:   " + forged.id() + " keyId=" + forged.keyId());
        System.out.println("operator.verify(forged) = " + operator.verify(forged.id()).outcome() + " " + operator.verify(forged.id()).detail());
        System.out.println("operator.refresh()      = " + operator.refresh().map(Manifest::id).orElse("none") + " (the newest good backup the health check and a restart see)");
        Path target = root.resolve("restored");
        RestoreResult r = operator.restore(forged.id(), target.toString());
        System.out.println("operator.restore(forged) ok=" + r.ok() + " -> " + Files.readString(target.resolve("accounts.txt")).strip());
    }
}
