package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupEncryption;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.BackupStore;
import dev.bulwark.backup.Compression;
import dev.bulwark.backup.Manifest;
import dev.bulwark.core.internal.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup: source → compression → optional encryption → SHA-256 → store, between a
 * RUNNING manifest and a COMPLETE (or FAILED) one. Holds no lock: the caller does.
 */
public final class BackupWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWriter.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** Created on first use: its provider set-up is not on the path to pg_dump's start. */
    private static final class Random {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    private final BackupSource source;
    private final Catalog catalog;
    private final BackupSettings settings;
    private final Clock clock;
    private final String host;

    /**
     * A writer of backups of one source into one catalog's store.
     *
     * @param source what to back up
     * @param catalog where manifests and data go
     * @param settings compression, encryption
     * @param clock start and end times
     * @param host the host name recorded in manifests
     */
    public BackupWriter(BackupSource source, Catalog catalog, BackupSettings settings, Clock clock, String host) {
        this.source = source;
        this.catalog = catalog;
        this.settings = settings;
        this.clock = clock;
        this.host = host;
    }

    /**
     * Takes a backup now, running {@code cleanUp} (the clean-up after dead runs) before the
     * {@code RUNNING} manifest is written. A {@link StartableSource} is started first, so that its
     * dump (pg_dump connecting and reading the catalog) runs while the clean-up, the manifest and the
     * store's upload are being set up.
     *
     * @param cleanUp run first (after the source was started); when it throws, the source is stopped
     * @param finished told the final manifest (COMPLETE, or FAILED before the exception is thrown)
     * @return the complete manifest
     * @throws BackupException when it failed; a FAILED manifest with the reason was stored
     */
    public Manifest write(Runnable cleanUp, Consumer<Manifest> finished) {
        Instant start = clock.instant();
        StartableSource.Started started = null;
        Exception startFailure = null;
        if (source instanceof StartableSource) {
            try {
                started = ((StartableSource) source).start(catalog.context());
            } catch (IOException | RuntimeException e) {
                startFailure = e;
            }
        }
        try {
            cleanUp.run();
        } catch (RuntimeException e) {
            if (started != null) {
                started.close();
            }
            throw e;
        }
        try {
            return write(start, started, startFailure, finished);
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }

    private Manifest write(Instant start, StartableSource.Started started, Exception startFailure,
            Consumer<Manifest> finished) {
        BackupStore store = catalog.store();
        String id = ID_TIME.format(start) + "-" + HexFormat.of().formatHex(random(3));
        Compression compression = settings.compression();
        Optional<BackupEncryption> enc = settings.encryption();
        String data = id + source.dataExtension() + compression.extension() + (enc.isPresent() ? ".tink" : "");
        Manifest running = new Manifest(Manifest.FORMAT_VERSION, id, Manifest.Status.RUNNING, source.kind(),
                source.name(), Map.of(), start, null, 0, 0, null, compression.label(),
                enc.isPresent() ? BackupEncryption.SCHEME : "none", enc.map(BackupEncryption::keyId).orElse(null),
                data, Map.of(), null, host);
        LOG.info("backup {} of {} {} started into {}", id, source.kind(), source.name(), store);
        boolean dataCommitted = false;
        try {
            if (startFailure instanceof IOException) {
                throw (IOException) startFailure;
            } else if (startFailure != null) {
                throw (RuntimeException) startFailure;
            }
            Map<String, String> versions = new LinkedHashMap<>(started != null ? started.toolVersions()
                    : source.toolVersions());
            versions.put("bulwark-backup", version(BackupWriter.class));
            if (compression == Compression.ZSTD) {
                versions.put("zstd-jni", version(com.github.luben.zstd.Zstd.class));
            }
            enc.ifPresent(e -> versions.put("tink", version(com.google.crypto.tink.StreamingAead.class)));
            running = running.withToolVersions(versions);
            catalog.write(running);
            LOG.debug("timeline: RUNNING manifest written");
            MessageDigest sha = Sha256.newDigest();
            Counting.Out stored;
            Counting.Out raw;
            Map<String, Long> counts;
            try (BackupStore.Upload upload = store.create(data, catalog.context())) {
                stored = new Counting.Out(new DigestOutputStream(new Counting.NonClosing(upload.stream()), sha));
                OutputStream chain = stored;
                if (enc.isPresent()) {
                    chain = enc.get().encrypt(chain, id);
                }
                chain = compression.compress(chain, settings.zstdLevel(), settings.zstdWorkers());
                raw = new Counting.Out(chain);
                try (OutputStream out = raw) {
                    counts = started != null ? started.dump(out) : source.dump(out, catalog.context());
                }
                LOG.debug("timeline: data stream closed (compression flushed, SHA-256 done)");
                upload.commit();
                LOG.debug("timeline: data object committed (fsync, rename)");
                dataCommitted = true;
            }
            Manifest done = running.complete(clock.instant(), raw.count(), stored.count(),
                    HexFormat.of().formatHex(sha.digest()), counts);
            catalog.write(done);
            LOG.debug("timeline: COMPLETE manifest written");
            finished.accept(done);
            LOG.info("backup {} complete: {} bytes raw, {} stored, {} ms, sha256 {}", id, done.rawBytes(),
                    done.storedBytes(), done.duration().toMillis(), done.sha256());
            return done;
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            Manifest failed = running.failed(clock.instant(), reason);
            finished.accept(failed);
            LOG.error("backup {} of {} {} failed: {}", id, source.kind(), source.name(), reason);
            try {
                if (dataCommitted) {
                    store.delete(data);
                }
                catalog.write(failed);
            } catch (IOException | RuntimeException again) {
                LOG.error("backup {}: could not record the failure in {}: {}", id, store, again.getMessage());
            }
            throw new BackupException("backup " + id + " of " + source.kind() + " " + source.name() + " failed: "
                    + reason, e);
        }
    }

    private static String version(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        Random.RANDOM.nextBytes(b);
        return b;
    }
}
