package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupContext;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupStore;
import dev.bulwark.backup.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The manifests of one store: listing, reading and writing them, and cleaning up after dead runs. */
public final class Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    private final BackupStore store;
    private final BackupContext context;

    /**
     * A catalog over a store.
     *
     * @param store where backups and manifests are kept
     * @param context the caller's thread factory, for the store's uploads
     */
    public Catalog(BackupStore store, BackupContext context) {
        this.store = Objects.requireNonNull(store, "store");
        this.context = Objects.requireNonNull(context, "context");
    }

    /**
     * The context of every call into the store.
     *
     * @return the context
     */
    public BackupContext context() {
        return context;
    }

    /**
     * The store this catalog reads.
     *
     * @return the store
     */
    public BackupStore store() {
        return store;
    }

    /**
     * Every readable manifest in the store, newest first (unreadable ones are logged and skipped).
     *
     * @return the manifests
     * @throws BackupException when the store cannot be listed
     */
    public List<Manifest> list() {
        List<Manifest> out = new ArrayList<>();
        try {
            for (String name : store.list()) {
                if (!name.endsWith(Manifest.SUFFIX)) {
                    continue;
                }
                try (InputStream in = store.open(name)) {
                    out.add(ManifestJson.read(in.readAllBytes()));
                } catch (NoSuchFileException gone) {
                    // deleted between list and read
                } catch (IOException e) {
                    LOG.warn("unreadable manifest {} in {} ignored: {}", name, store, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot list backups in " + store + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Manifest::startedAt).thenComparing(Manifest::id).reversed());
        return out;
    }

    /**
     * The manifest of one backup.
     *
     * @param id backup id
     * @return its manifest
     * @throws BackupException when the id is malformed, there is no such backup, or it cannot be read
     */
    public Manifest manifest(String id) {
        Objects.requireNonNull(id, "id");
        try {
            LocalBackupStore.checkName(id + Manifest.SUFFIX);
        } catch (IllegalArgumentException e) {
            throw new BackupException("'" + id + "' is not a backup id; list the backups to find one");
        }
        try (InputStream in = store.open(id + Manifest.SUFFIX)) {
            return ManifestJson.read(in.readAllBytes());
        } catch (NoSuchFileException e) {
            throw new BackupException("no backup '" + id + "' in " + store + "; list the backups to find one");
        } catch (IOException e) {
            throw new BackupException("cannot read the manifest of " + id + " in " + store + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes (or replaces) a manifest, atomically.
     *
     * @param m the manifest
     * @throws IOException when the store refuses
     */
    public void write(Manifest m) throws IOException {
        try (BackupStore.Upload upload = store.create(m.manifestObject(), context)) {
            upload.stream().write(ManifestJson.write(m));
            upload.commit();
        }
    }

    /**
     * Removes leftover uploads and marks runs abandoned by a dead process as failed, removing
     * their partial data. Call only with the backup lock held.
     *
     * @param clock time of the marking
     * @throws BackupException when the store cannot be cleaned
     */
    public void cleanUpAbandoned(Clock clock) {
        try {
            int leftovers = store.cleanUpIncomplete();
            if (leftovers > 0) {
                LOG.warn("removed {} incomplete upload(s) left in {} by an interrupted run", leftovers, store);
            }
            for (Manifest m : list()) {
                if (m.status() == Manifest.Status.RUNNING) {
                    store.delete(m.dataObject());
                    write(m.failed(clock.instant(), "abandoned: the process running it ended before it"
                            + " completed; partial data removed"));
                    LOG.warn("backup {} was abandoned by a process that died; marked failed, partial data removed",
                            m.id());
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot clean up interrupted backups in " + store + ": " + e.getMessage(), e);
        }
    }
}
