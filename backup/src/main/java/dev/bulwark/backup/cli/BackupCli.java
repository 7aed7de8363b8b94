package dev.bulwark.backup.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.backup.BackupAlreadyRunningException;
import dev.bulwark.backup.BackupEncryption;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.DrillReport;
import dev.bulwark.backup.Manifest;
import dev.bulwark.backup.RestoreResult;
import dev.bulwark.backup.Retention;
import dev.bulwark.backup.VerifyResult;
import dev.bulwark.backup.internal.ManifestJson;
import dev.bulwark.backup.internal.PgDumpSource;
import dev.bulwark.backup.internal.PostgresAdvisoryLock;
import dev.bulwark.backup.internal.PsqlAdvisoryLock;
import dev.bulwark.core.internal.Env;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Command-line entry point ({@code scripts/backup.sh}): {@code backup}, {@code list},
 * {@code verify}, {@code test-restore}, {@code restore}, {@code prune}, {@code drill},
 * {@code keygen}. Configured by the same variables as the library: {@code DB_URL},
 * {@code DB_USER}, {@code DB_PASSWORD} (PostgreSQL or H2) or {@code BACKUP_SOURCE_DIR}, plus
 * {@code BACKUP_*}. Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 another
 * backup is running.
 */
public final class BackupCli {
    /** How the CLI is invoked, for its messages: {@code -Dbulwark.backup.cli.name}, else the class. */
    static final String NAME = System.getProperty("bulwark.backup.cli.name", "java dev.bulwark.backup.cli.BackupCli");
    static final String USAGE = String.join("\n",
            "usage: " + NAME + " <command> [options]",
            "  backup                          take a backup now",
            "  list [--json]                   list backups (newest first) with status and checksum",
            "  verify [ID | --latest | --all]  check checksums, decryption and decompression",
            "  test-restore [ID | --latest]    restore into a scratch database, compare row counts, drop it",
            "  restore (ID | --latest) --target NAME [--force]",
            "                                  restore into a NEW database (PostgreSQL name, H2 URL or directory)",
            "  prune                           delete backups the retention policy no longer keeps",
            "  drill [--destroy-source]        disaster-recovery drill: backup, (destroy,) restore, verify,",
            "                                  report restore time vs RTO and backup age vs RPO",
            "  keygen --out FILE               write a new encryption keyset (Tink JSON, owner-only)",
            "source: DB_URL/DB_USER/DB_PASSWORD (jdbc:postgresql:... or jdbc:h2:...) or BACKUP_SOURCE_DIR",
            "settings: BACKUP_* (see the bulwark-backup README)");

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    BackupCli(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs one command and exits with its code (0 ok, 1 failed, 2 usage or configuration error, 3 another backup is running).
     *
     * @param args command and options
     */
    public static void main(String[] args) {
        startLogging();
        int code = new BackupCli(Env.system("BACKUP_", "DB_"), System.out, System.err).run(List.of(args));
        System.exit(code);
    }

    /**
     * Starts logging without looking for a {@code simplelogger.properties} on the class path: the
     * command line configures its logging with system properties ({@code scripts/backup.sh}:
     * {@code BACKUP_LOG_LEVEL}), and that lookup, which finds nothing, opens every one of the 50-odd
     * jars on the class path first (about 60 ms before {@code pg_dump} can start; see the README,
     * "Where the time goes"). The JDK's own class loader answers it instead.
     */
    static void startLogging() {
        Thread current = Thread.currentThread();
        ClassLoader context = current.getContextClassLoader();
        current.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            org.slf4j.LoggerFactory.getILoggerFactory();
        } finally {
            current.setContextClassLoader(context);
        }
    }

    int run(List<String> args) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            (args.isEmpty() ? err : out).println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        try {
            if (command.equals("keygen")) {
                return keygen(rest);
            }
            BackupSettings settings = BackupSettings.fromEnvironment(env);
            switch (command) {
                case "backup":
                    return backup(manager(settings, true));
                case "list":
                    return list(manager(settings), rest.contains("--json"));
                case "verify":
                    return verify(manager(settings), rest);
                case "test-restore":
                    return testRestore(manager(settings), rest);
                case "restore":
                    return restore(manager(settings), rest);
                case "prune":
                    return prune(manager(settings));
                case "drill":
                    return drill(manager(settings, true), rest.contains("--destroy-source"));
                default:
                    err.println("unknown command '" + command + "'\n" + USAGE);
                    return 2;
            }
        } catch (IllegalArgumentException | UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (BackupAlreadyRunningException e) {
            err.println(e.getMessage());
            return 3;
        } catch (BackupException | IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message + "\n" + USAGE);
        }
    }

    private String var(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    BackupSource source(BackupSettings settings) {
        String dir = var("BACKUP_SOURCE_DIR");
        String url = var("DB_URL");
        if (dir != null && url != null) {
            throw new UsageException("set DB_URL or BACKUP_SOURCE_DIR, not both");
        }
        if (dir != null) {
            return BackupSource.directory(Path.of(dir));
        }
        if (url == null) {
            throw new UsageException("nothing to back up: set DB_URL (jdbc:postgresql://... or jdbc:h2:...)"
                    + " or BACKUP_SOURCE_DIR");
        }
        String user = Optional.ofNullable(var("DB_USER")).orElse(url.startsWith("jdbc:h2:") ? "sa" : null);
        if (user == null) {
            throw new UsageException("DB_USER is required with a PostgreSQL DB_URL");
        }
        String password = env.get("DB_PASSWORD");
        if (url.startsWith("jdbc:postgresql:")) {
            return BackupSource.postgres(url, user, password, settings);
        }
        if (url.startsWith("jdbc:h2:")) {
            return BackupSource.h2(url, user, password);
        }
        throw new UsageException("DB_URL must be a jdbc:postgresql: or jdbc:h2: URL");
    }

    private BackupManager manager(BackupSettings settings) {
        return manager(settings, false);
    }

    /** The manager; {@code backingUp}: the command takes a backup, whose lock's psql session is started at once. */
    private BackupManager manager(BackupSettings settings, boolean backingUp) {
        BackupSource source = source(settings);
        PsqlAdvisoryLock lock = null;
        if (source instanceof PgDumpSource) {
            // the same advisory lock as BackupLock.postgres(dataSource) in a service, held by a psql
            // session: a short-lived JVM that loads no JDBC driver (see the README, "Where the CPU goes");
            // its psql starts and connects now, while the store and the manager are set up
            lock = ((PgDumpSource) source).advisoryLock(PostgresAdvisoryLock.DEFAULT_KEY);
            if (backingUp) {
                lock.prepare();
            }
        }
        BackupManager.Builder b = BackupManager.builder(source, settings.openStore()).settings(settings);
        if (lock != null) {
            b.lock(lock);
        }
        return b.build();
    }

    private int backup(BackupManager m) {
        Manifest done = m.backup();
        out.println("backup " + done.id() + " complete: " + done.rawBytes() + " bytes raw, " + done.storedBytes()
                + " stored (" + done.compression() + ", encryption " + done.encryption() + "), "
                + done.duration().toMillis() + " ms, sha256 " + done.sha256());
        return 0;
    }

    private int list(BackupManager m, boolean json) {
        List<Manifest> all = m.list();
        if (json) {
            try {
                out.println(ManifestJson.mapper().writeValueAsString(all));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return 0;
        }
        out.printf(Locale.ROOT, "%-24s %-8s %-20s %9s %12s  %s%n", "ID", "STATUS", "STARTED", "SECONDS", "STORED",
                "SHA256 / ERROR");
        for (Manifest b : all) {
            out.printf(Locale.ROOT, "%-24s %-8s %-20s %9.1f %12d  %s%n", b.id(), b.status(),
                    b.startedAt().toString().replaceFirst("\\.\\d+Z$", "Z"), b.duration().toMillis() / 1000.0,
                    b.storedBytes(), b.complete() ? b.sha256() : String.valueOf(b.error()));
        }
        out.println(all.size() + " backup(s) in " + m.store());
        return 0;
    }

    private String pickId(BackupManager m, List<String> rest) {
        if (rest.contains("--latest")) {
            return m.refresh().map(Manifest::id).orElseThrow(() ->
                    new BackupException("no good backup in " + m.store() + "; take one with '" + NAME + " backup'"));
        }
        for (String a : rest) {
            if (!a.startsWith("--")) {
                return a;
            }
        }
        throw new UsageException("name a backup id (see '" + NAME + " list') or --latest");
    }

    private int verify(BackupManager m, List<String> rest) {
        List<String> ids = new ArrayList<>();
        if (rest.contains("--all")) {
            m.list().forEach(b -> ids.add(b.id()));
        } else {
            ids.add(rest.isEmpty() ? pickId(m, List.of("--latest")) : pickId(m, rest));
        }
        int bad = 0;
        for (String id : ids) {
            VerifyResult r = m.verify(id);
            out.println(r.id() + " " + r.outcome() + ": " + r.detail());
            if (!r.ok()) {
                bad++;
            }
        }
        return bad == 0 ? 0 : 1;
    }

    private int testRestore(BackupManager m, List<String> rest) {
        String id = rest.isEmpty() ? pickId(m, List.of("--latest")) : pickId(m, rest);
        return report(m.restoreTest(id));
    }

    private int restore(BackupManager m, List<String> rest) {
        int t = rest.indexOf("--target");
        if (t < 0 || t + 1 >= rest.size()) {
            throw new UsageException("restore needs --target NAME: a new PostgreSQL database name, H2 URL or directory");
        }
        String target = rest.get(t + 1);
        List<String> idArgs = new ArrayList<>(rest);
        idArgs.remove(t + 1);
        idArgs.remove(t);
        String id = pickId(m, idArgs);
        return report(rest.contains("--force") ? m.forceRestore(id, target) : m.restore(id, target));
    }

    private int report(RestoreResult r) {
        out.println("restored " + r.id() + " into " + r.target() + " in " + r.duration().toMillis() + " ms: "
                + (r.ok() ? "counts match (" + r.actual().size() + ")" : "MISMATCH " + r.mismatches()));
        return r.ok() ? 0 : 1;
    }

    private int prune(BackupManager m) {
        Retention.Plan plan = m.prune();
        for (Manifest d : plan.delete()) {
            out.println("pruned " + d.id() + " (" + d.status() + ", " + d.startedAt() + ")");
        }
        out.println("kept " + plan.keep().size() + ", pruned " + plan.delete().size());
        return 0;
    }

    private int drill(BackupManager m, boolean destroy) {
        BackupSource source = m.source();
        DrillReport report;
        if (destroy) {
            if (!(source instanceof PgDumpSource)) {
                throw new UsageException("drill --destroy-source drops a PostgreSQL database; the source is "
                        + source.kind());
            }
            PgDumpSource pg = (PgDumpSource) source;
            report = m.drill(pg::dropDatabase, pg.name());
        } else {
            report = m.drill(() -> { }, null);
        }
        ObjectNode json = ManifestJson.mapper().createObjectNode();
        json.put("backupId", report.backupId());
        json.put("backupAgeSeconds", report.backupAge().toMillis() / 1000.0);
        json.put("rpoSeconds", report.rpo().toSeconds());
        json.put("restoreSeconds", report.restoreTime().toMillis() / 1000.0);
        json.put("rtoSeconds", report.rto().toSeconds());
        json.put("countsMatch", report.restore().ok());
        json.put("passed", report.passed());
        out.println("drill " + report.summary());
        out.println(json.toString());
        return report.passed() ? 0 : 1;
    }

    private int keygen(List<String> rest) {
        int o = rest.indexOf("--out");
        if (o < 0 || o + 1 >= rest.size()) {
            throw new UsageException("keygen needs --out FILE");
        }
        Path file = Path.of(rest.get(o + 1));
        String keyset = BackupEncryption.generateKeyset();
        try {
            Files.writeString(Files.createFile(file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    keyset, StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw new UsageException(file + " already exists; keygen never overwrites a keyset (old backups need it)");
        } catch (IOException e) {
            throw new BackupException("cannot write " + file + ": " + e.getMessage(), e);
        }
        out.println("wrote keyset with key " + BackupEncryption.fromKeysetJson(keyset).keyId() + " to " + file
                + " (owner-only); keep a copy away from the backups: without it they cannot be read");
        return 0;
    }
}
