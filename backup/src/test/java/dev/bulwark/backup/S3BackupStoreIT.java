package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.backup.internal.DirectorySource;
import dev.bulwark.backup.internal.S3BackupStore;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 store against s3proxy, an S3-compatible server run in-process (filesystem backend). */
class S3BackupStoreIT {
    @TempDir
    Path tmp;

    private S3Proxy proxy;
    private BlobStoreContext context;
    private S3Client client;
    private String endpoint;

    @BeforeEach
    void startS3() throws Exception {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", Files.createDirectories(tmp.resolve("s3")).toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret").build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        client = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("test-access", "test-secret"))).build();
        client.createBucket(b -> b.bucket("backups"));
    }

    @AfterEach
    void stopS3() throws Exception {
        client.close();
        proxy.stop();
        context.close();
    }

    @Test
    void encryptedBackupGoesToS3InPartsAndRestores() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        byte[] noise = new byte[20 << 20];
        new Random(3).nextBytes(noise);
        Files.write(src.resolve("uploads.bin"), noise);
        Files.writeString(src.resolve("readme.txt"), "hello");
        System.setProperty("aws.accessKeyId", "test-access");
        System.setProperty("aws.secretAccessKey", "test-secret");
        String keyset = BackupEncryption.generateKeyset();
        BackupSettings settings = BackupSettings.fromEnvironment(java.util.Map.of("BACKUP_S3_BUCKET", "backups",
                "BACKUP_S3_PREFIX", "prod/files", "BACKUP_S3_ENDPOINT", endpoint, "BACKUP_S3_PATH_STYLE", "true",
                "BACKUP_ENCRYPTION_KEYSET", keyset));
        BackupStore store = settings.openStore();
        BackupManager m = BackupManager.builder(new DirectorySource(src), store).settings(settings).build();

        Manifest manifest = m.backup();

        assertThat(store).isInstanceOf(S3BackupStore.class);
        assertThat(manifest.storedBytes()).isGreaterThan(2L * S3BackupStore.PART_SIZE);
        assertThat(client.listObjectsV2(r -> r.bucket("backups").prefix("prod/files/")).contents())
                .extracting(o -> o.key()).containsExactlyInAnyOrder("prod/files/" + manifest.dataObject(),
                        "prod/files/" + manifest.manifestObject());
        assertThat(m.verify(manifest.id()).ok()).isTrue();
        RestoreResult r = m.restore(manifest.id(), tmp.resolve("restored").toString());
        assertThat(r.ok()).isTrue();
        assertThat(Files.readAllBytes(tmp.resolve("restored/uploads.bin"))).isEqualTo(noise);
        assertThat(m.list()).hasSize(1);
    }

    @Test
    void abortedUploadLeavesNoObjectAndNoUnfinishedUpload() throws Exception {
        S3BackupStore store = new S3BackupStore(client, "backups", "x");
        byte[] chunk = new byte[S3BackupStore.PART_SIZE + 1000];
        try (BackupStore.Upload u = store.create("big.dump")) {
            u.stream().write(chunk);
            // the write fails or the process gives up: closed without commit
        }
        assertThat(store.list()).isEmpty();
        assertThat(client.listMultipartUploads(r -> r.bucket("backups")).uploads()).isEmpty();
        assertThatThrownBy(() -> store.open("big.dump")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void unfinishedUploadOfACrashedProcessIsAbortedByCleanUp() throws Exception {
        S3BackupStore store = new S3BackupStore(client, "backups", "y/");
        BackupStore.Upload crashed = store.create("crashed.dump");
        crashed.stream().write(new byte[S3BackupStore.PART_SIZE]); // first part sent, never completed
        assertThat(client.listMultipartUploads(r -> r.bucket("backups")).uploads()).hasSize(1);

        assertThat(store.cleanUpIncomplete()).isEqualTo(1);

        assertThat(client.listMultipartUploads(r -> r.bucket("backups")).uploads()).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void smallObjectsRoundTripAndDeleteIsIdempotent() throws Exception {
        S3BackupStore store = new S3BackupStore(client, "backups", "");
        try (BackupStore.Upload u = store.create("a.manifest.json")) {
            u.stream().write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            u.commit();
        }
        try (InputStream in = store.open("a.manifest.json")) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{}");
        }
        store.delete("a.manifest.json");
        store.delete("a.manifest.json");
        assertThat(store.list()).isEmpty();
    }
}
