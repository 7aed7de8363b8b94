package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups in S3 or an S3-compatible object store (AWS SDK v2). Data is streamed as a multipart
 * upload in {@value #PART_SIZE}-byte parts (memory stays bounded), which S3 makes visible only when
 * it is completed: a crash or an error leaves no object, only an unfinished upload that
 * {@link #cleanUpIncomplete()} aborts. Objects smaller than one part are sent in one PUT.
 *
 * <p>Credentials come from the SDK's default chain ({@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY}, profiles, instance roles). Add {@code software.amazon.awssdk:s3}
 * and {@code url-connection-client} to the service to use this store.
 */
public final class S3BackupStore implements BackupStore {
    /** Multipart part size (S3's minimum is 5 MiB). */
    public static final int PART_SIZE = 8 * 1024 * 1024;

    private final S3Client client;
    private final String bucket;
    private final String prefix;

    /**
     * A store in a bucket, through a client the caller configured.
     *
     * @param client a configured client (closed by the caller)
     * @param bucket bucket name
     * @param prefix key prefix ({@code ""} or e.g. {@code "prod/db/"})
     */
    public S3BackupStore(S3Client client, String bucket, String prefix) {
        this.client = Objects.requireNonNull(client, "client");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        String p = prefix == null ? "" : prefix;
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    /**
     * Returns a store with its own client (URLConnection HTTP client).
     *
     * @param settings bucket, prefix, endpoint, region, path style
     * @return a store with its own client (URLConnection HTTP client)
     */
    public static S3BackupStore create(BackupSettings settings) {
        String bucket = settings.s3Bucket().orElseThrow(() -> new IllegalArgumentException(
                "BACKUP_S3_BUCKET is not set"));
        try {
            S3ClientBuilder b = S3Client.builder()
                    .region(Region.of(settings.s3Region()))
                    .forcePathStyle(settings.s3PathStyle())
                    .httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    // flexible checksums only when an operation requires them: our SHA-256 covers the
                    // data end to end, and S3-compatible servers often reject the trailer encoding
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            settings.s3Endpoint().ifPresent(e -> b.endpointOverride(URI.create(e)));
            return new S3BackupStore(b.build(), bucket, settings.s3Prefix());
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("BACKUP_S3_BUCKET needs the AWS SDK: add software.amazon.awssdk:s3 and"
                    + " software.amazon.awssdk:url-connection-client to the service", e);
        }
    }

    private String key(String name) {
        return prefix + LocalBackupStore.checkName(name);
    }

    private IOException failure(String what, SdkException e) {
        return new IOException("S3 " + what + " in s3://" + bucket + "/" + prefix + " failed: " + e.getMessage(), e);
    }

    @Override
    public Upload create(String name) {
        return new S3Upload(key(name));
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            return client.getObject(r -> r.bucket(bucket).key(key(name)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("s3://" + bucket + "/" + key(name));
        } catch (SdkException e) {
            throw failure("read of " + name, e);
        }
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
                String n = o.key().substring(prefix.length());
                if (!n.contains("/")) {
                    names.add(n);
                }
            }
        } catch (SdkException e) {
            throw failure("list", e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            client.deleteObject(r -> r.bucket(bucket).key(key(name)));
        } catch (SdkException e) {
            throw failure("delete of " + name, e);
        }
    }

    @Override
    public int cleanUpIncomplete() throws IOException {
        int n = 0;
        try {
            for (MultipartUpload u : client.listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)).uploads()) {
                client.abortMultipartUpload(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                n++;
            }
        } catch (SdkException e) {
            throw failure("clean-up of unfinished uploads", e);
        }
        return n;
    }

    @Override
    public String toString() {
        return "S3BackupStore[s3://" + bucket + "/" + prefix + "]";
    }

    private final class S3Upload extends OutputStream implements Upload {
        private final String key;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
        private final List<CompletedPart> parts = new ArrayList<>();
        private String uploadId;
        private boolean done;

        S3Upload(String key) {
            this.key = key;
        }

        @Override
        public OutputStream stream() {
            return this;
        }

        @Override
        public void write(int b) throws IOException {
            buffer.write(b);
            if (buffer.size() >= PART_SIZE) {
                sendPart();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, PART_SIZE - buffer.size());
                buffer.write(b, off, n);
                off += n;
                len -= n;
                if (buffer.size() >= PART_SIZE) {
                    sendPart();
                }
            }
        }

        private void sendPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = client.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
                }
                int number = parts.size() + 1;
                String etag = client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(buffer.toByteArray())).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                buffer.reset();
            } catch (SdkException e) {
                throw failure("upload of " + key, e);
            }
        }

        @Override
        public void commit() throws IOException {
            try {
                if (uploadId == null) {
                    client.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(buffer.toByteArray()));
                } else {
                    if (buffer.size() > 0) {
                        sendPart();
                    }
                    client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts)));
                }
                done = true;
                buffer.reset();
            } catch (SdkException e) {
                throw failure("commit of " + key, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                buffer.reset();
                if (uploadId != null) {
                    try {
                        client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                    } catch (SdkException e) {
                        throw failure("abort of " + key + " (cleaned by the next run)", e);
                    }
                }
            }
        }
    }
}
