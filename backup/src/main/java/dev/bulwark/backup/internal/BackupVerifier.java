package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupEncryption;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.Compression;
import dev.bulwark.backup.Manifest;
import dev.bulwark.backup.VerifyResult;
import dev.bulwark.core.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Checks stored backups (manifest, checksum, size, decryption, decompression) and decodes their
 * data for a restore. Never throws for a bad backup: the outcome says what is wrong.
 */
public final class BackupVerifier {
    private final Catalog catalog;
    private final BackupSettings settings;

    /**
     * A verifier of one catalog's backups.
     *
     * @param catalog where the backups are
     * @param settings the encryption keyset to decrypt with
     */
    public BackupVerifier(Catalog catalog, BackupSettings settings) {
        this.catalog = catalog;
        this.settings = settings;
    }

    /**
     * Checks a stored backup: manifest complete, SHA-256 and size of the stored bytes, and that
     * it decrypts and decompresses to the recorded raw size.
     *
     * @param id backup id
     * @return what was found
     */
    public VerifyResult verify(String id) {
        Manifest m;
        try {
            m = catalog.manifest(id);
        } catch (BackupException e) {
            return new VerifyResult(id, VerifyResult.Outcome.MISSING, e.getMessage());
        }
        if (!m.complete()) {
            return new VerifyResult(id, VerifyResult.Outcome.INCOMPLETE, "status " + m.status()
                    + (m.error() == null ? "" : ": " + m.error()));
        }
        if (untrusted(m)) {
            return new VerifyResult(id, VerifyResult.Outcome.CORRUPT, untrustedProblem(m));
        }
        MessageDigest sha = Sha256.newDigest();
        long storedCount;
        long rawCount = -1;
        IOException decodeError = null;
        try (InputStream in = catalog.store().open(m.dataObject());
                Counting.In stored = new Counting.In(new DigestInputStream(in, sha))) {
            try (Counting.In raw = new Counting.In(decode(m, new Counting.NonClosingIn(stored)))) {
                raw.transferTo(OutputStream.nullOutputStream());
                rawCount = raw.count();
            } catch (IOException | RuntimeException e) {
                decodeError = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            }
            stored.transferTo(OutputStream.nullOutputStream());
            storedCount = stored.count();
        } catch (NoSuchFileException e) {
            return new VerifyResult(id, VerifyResult.Outcome.MISSING, "data object " + m.dataObject() + " is missing");
        } catch (IOException e) {
            return new VerifyResult(id, VerifyResult.Outcome.MISSING, "data object " + m.dataObject()
                    + " cannot be read: " + e.getMessage());
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(m.sha256()) || storedCount != m.storedBytes()) {
            return new VerifyResult(id, VerifyResult.Outcome.CORRUPT, "stored data differs from the manifest:"
                    + " sha256 " + actual + " (" + storedCount + " bytes), expected " + m.sha256() + " ("
                    + m.storedBytes() + " bytes)");
        }
        if (decodeError != null) {
            if (m.keyId() != null) {
                return new VerifyResult(id, VerifyResult.Outcome.WRONG_KEY, keyProblem(m, decodeError));
            }
            return new VerifyResult(id, VerifyResult.Outcome.CORRUPT, "checksum matches but the data does not"
                    + " decompress: " + decodeError.getMessage());
        }
        if (rawCount != m.rawBytes()) {
            return new VerifyResult(id, VerifyResult.Outcome.CORRUPT, "decoded size " + rawCount
                    + " differs from the recorded " + m.rawBytes());
        }
        return new VerifyResult(id, VerifyResult.Outcome.OK, "sha256 " + actual + ", " + m.storedBytes()
                + " bytes stored, " + m.rawBytes() + " bytes decoded");
    }

    /**
     * Checks only the SHA-256 and size of the stored bytes (before a restore reads them again).
     *
     * @param m the backup's manifest
     * @return OK, CORRUPT or MISSING
     */
    public VerifyResult checksum(Manifest m) {
        MessageDigest sha = Sha256.newDigest();
        long n;
        try (InputStream in = catalog.store().open(m.dataObject());
                Counting.In c = new Counting.In(new DigestInputStream(in, sha))) {
            c.transferTo(OutputStream.nullOutputStream());
            n = c.count();
        } catch (IOException e) {
            return new VerifyResult(m.id(), VerifyResult.Outcome.MISSING, "data object " + m.dataObject()
                    + " cannot be read: " + e.getMessage());
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(m.sha256()) || n != m.storedBytes()) {
            return new VerifyResult(m.id(), VerifyResult.Outcome.CORRUPT, "sha256 " + actual + " (" + n
                    + " bytes), expected " + m.sha256() + " (" + m.storedBytes() + " bytes)");
        }
        return new VerifyResult(m.id(), VerifyResult.Outcome.OK, "checksum matches");
    }

    /**
     * The stored bytes decrypted and decompressed.
     *
     * @param m the backup's manifest
     * @param stored the stored bytes
     * @return the raw dump
     * @throws IOException when the key is missing or the stream cannot be set up
     */
    public InputStream decode(Manifest m, InputStream stored) throws IOException {
        InputStream in = stored;
        if (m.keyId() != null) {
            BackupEncryption enc = settings.encryption().orElseThrow(() -> new IOException(keyProblem(m, null)));
            in = enc.decrypt(in, m.id());
        }
        return Compression.fromLabel(m.compression()).decompress(in);
    }

    /**
     * Whether a backup is not to be believed: unencrypted although a keyset is configured (anyone
     * who can write to the store can make one, with a matching manifest and checksum, without any
     * key), unless {@link BackupSettings#allowUnencryptedRestore()}.
     *
     * @param m the backup's manifest
     * @return true when it must be neither verified as good nor restored
     */
    public boolean untrusted(Manifest m) {
        return m.keyId() == null && settings.encryption().isPresent() && !settings.allowUnencryptedRestore();
    }

    private static String untrustedProblem(Manifest m) {
        return "backup " + m.id() + " is not encrypted although a keyset is configured: anyone who can write to the"
                + " store could have put it there, so it is not trusted; if it was taken before encryption was switched"
                + " on and nobody else can write to the store, set BACKUP_INSECURE_ALLOW_UNENCRYPTED_RESTORE=true";
    }

    /**
     * Whether the configured keyset holds the key a backup was encrypted with (true when it is
     * not encrypted).
     *
     * @param m the backup's manifest
     * @return true when it can be decrypted
     */
    public boolean hasKey(Manifest m) {
        if (untrusted(m)) {
            return false;
        }
        return m.keyId() == null
                || (settings.encryption().isPresent() && settings.encryption().get().keyIds().contains(m.keyId()));
    }

    /**
     * What is wrong with the key of an encrypted backup, with the fix.
     *
     * @param m the backup's manifest
     * @param e the decryption failure, or null
     * @return the message
     */
    public String keyProblem(Manifest m, Exception e) {
        if (untrusted(m)) {
            return untrustedProblem(m);
        }
        Optional<BackupEncryption> enc = settings.encryption();
        if (enc.isEmpty()) {
            return "backup " + m.id() + " is encrypted with key " + m.keyId()
                    + "; configure the keyset that holds it (BACKUP_ENCRYPTION_KEYSET_FILE)";
        }
        if (!enc.get().keyIds().contains(m.keyId())) {
            return "backup " + m.id() + " is encrypted with key " + m.keyId() + " but the configured keyset holds "
                    + enc.get().keyIds() + "; configure the keyset that holds key " + m.keyId()
                    + " (BACKUP_ENCRYPTION_KEYSET_FILE)";
        }
        return "backup " + m.id() + " cannot be decrypted with key " + m.keyId() + ": "
                + (e == null ? "" : e.getMessage());
    }
}
