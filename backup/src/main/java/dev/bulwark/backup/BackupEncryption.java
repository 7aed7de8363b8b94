package dev.bulwark.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Authenticated streaming encryption of backups with Google Tink ({@code AES256_GCM_HKDF_1MB}
 * streaming AEAD): each 1 MiB segment is authenticated, so tampering or a wrong key is detected,
 * and memory stays bounded. The backup id is bound to the ciphertext as associated data, so a
 * data object cannot be passed off as another backup.
 *
 * <p>Keys come from a Tink JSON keyset ({@link #generateKeyset()} makes one). Keep a copy of the
 * keyset somewhere other than the backups: without it they cannot be read.
 */
public final class BackupEncryption {

    /** The label recorded in manifests. */
    public static final String SCHEME = "tink-AES256_GCM_HKDF_1MB";

    private final KeysetHandle keyset;
    private final StreamingAead aead;

    private BackupEncryption(KeysetHandle keyset) throws GeneralSecurityException {
        this.keyset = keyset;
        this.aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
    }

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Returns the encryption.
     *
     * @param json a Tink JSON keyset holding streaming AEAD keys (secret)
     * @return the encryption
     * @throws IllegalArgumentException when it is not such a keyset (the message never contains it)
     */
    public static BackupEncryption fromKeysetJson(String json) {
        Objects.requireNonNull(json, "keyset");
        try {
            return new BackupEncryption(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the backup keyset is not a Tink JSON keyset of streaming AEAD keys"
                    + " (make one with BackupEncryption.generateKeyset() or the backup CLI's 'keygen' command): " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Returns the encryption.
     *
     * @param file a Tink JSON keyset file
     * @return the encryption
     * @throws IllegalArgumentException when the file cannot be read or holds no such keyset
     */
    public static BackupEncryption fromKeysetFile(Path file) {
        try {
            return fromKeysetJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the backup keyset file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns a new keyset with one fresh AES256_GCM_HKDF_1MB key, as Tink JSON (secret).
     *
     * @return a new keyset with one fresh AES256_GCM_HKDF_1MB key, as Tink JSON (secret)
     */
    public static String generateKeyset() {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
            return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate a key", e);
        }
    }

    /** Returns the id of the primary key, which new backups are encrypted with. */
    public String keyId() {
        return Integer.toUnsignedString(keyset.getPrimary().getId());
    }

    /** Returns ids of all keys in the keyset (old keys decrypt older backups). */
    public List<String> keyIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < keyset.size(); i++) {
            ids.add(Integer.toUnsignedString(keyset.getAt(i).getId()));
        }
        return ids;
    }

    /**
     * Returns plaintext sink.
     *
     * @param out ciphertext sink (closed with the returned stream)
     * @param backupId bound as associated data
     * @return plaintext sink
     * @throws IOException when encryption cannot start
     */
    public OutputStream encrypt(OutputStream out, String backupId) throws IOException {
        try {
            return aead.newEncryptingStream(out, backupId.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot start encryption: " + e.getMessage(), e);
        }
    }

    /**
     * Returns plaintext; reading fails with an {@link IOException} on a wrong key or tampering.
     *
     * @param in ciphertext (closed with the returned stream)
     * @param backupId the associated data it was encrypted with
     * @return plaintext; reading fails with an {@link IOException} on a wrong key or tampering
     * @throws IOException when decryption cannot start
     */
    public InputStream decrypt(InputStream in, String backupId) throws IOException {
        try {
            return aead.newDecryptingStream(in, backupId.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot start decryption: " + e.getMessage(), e);
        }
    }

    /** Returns the key ids only, never key material. */
    @Override
    public String toString() {
        return "BackupEncryption[" + SCHEME + ", primary key " + keyId() + ", keys " + keyIds() + "]";
    }
}
