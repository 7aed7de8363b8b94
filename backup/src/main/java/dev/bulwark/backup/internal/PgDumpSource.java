package dev.bulwark.backup.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.bulwark.backup.BackupContext;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.BackupSource;
import dev.bulwark.backup.RestoreTarget;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database dumped with {@code pg_dump --format=custom} (streamed from the process,
 * never staged) and restored with {@code pg_restore --single-transaction}; or, with
 * {@code BACKUP_PG_JOBS} of 2 or more, dumped with {@code pg_dump --format=directory --jobs=N}
 * into an owner-only staging directory, stored as one tar archive, and restored with
 * {@code pg_restore --jobs=N}.
 *
 * <p>The dump and the row counts recorded in the manifest come from one snapshot: a
 * repeatable-read transaction exports it ({@code pg_export_snapshot()}), {@code pg_dump --snapshot}
 * dumps exactly that state, and the rows are counted from the dump stream itself ({@link PgArchive}). The password reaches the tools through
 * {@code PGPASSWORD} in their environment, never the command line or the logs.
 */
public final class PgDumpSource implements BackupSource, StartableSource {
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/?]*)/([^?]+)(\\?.*)?");
    private static final Pattern MAJOR = Pattern.compile("(\\d+)(?:\\.\\d+)?");
    /** Created on first use: its provider set-up is not on the path to pg_dump's start. */
    private static final class Random {
        static final SecureRandom RANDOM = new SecureRandom();
    }
    private static final Logger LOG = LoggerFactory.getLogger(PgDumpSource.class);

    private final String jdbcUrl;
    private final String host;
    private final int port;
    private final String database;
    private final String query;
    private final String lockWait;
    private final long lockWaitMillis;
    private final String user;
    private final String password;
    private final String pgDumpSetting;
    private final String pgRestoreSetting;
    private final String psqlSetting;
    private final UnaryOperator<String> tools;
    private final int jobs;
    private final Path stagingDir;
    /** The session of this source's {@link #advisoryLock} while it is held: the dump's snapshot runs in it. */
    private final AtomicReference<Psql> lockSession = new AtomicReference<>();

    /**
     * A PostgreSQL source dumped with pg_dump.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host[:port]/database[?params]}
     * @param user database user
     * @param password its password (may be null for trust/peer authentication)
     * @param settings where pg_dump and pg_restore are
     * @throws IllegalArgumentException when the URL is not a PostgreSQL URL with a database
     */
    public PgDumpSource(String jdbcUrl, String user, String password, BackupSettings settings) {
        this(jdbcUrl, user, password, settings, name -> PgClientTools.resolve(name, System.getenv("PATH")));
    }

    /** As above, with how a tool's setting becomes the program to run at each use (tests). */
    PgDumpSource(String jdbcUrl, String user, String password, BackupSettings settings, UnaryOperator<String> tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("the PostgreSQL URL (DB_URL) must look like"
                    + " jdbc:postgresql://host:5432/database, got '" + redact(jdbcUrl) + "'");
        }
        URI hostPort = URI.create("pg://" + (m.group(1).isEmpty() ? "localhost" : m.group(1)));
        this.host = hostPort.getHost();
        this.port = hostPort.getPort() < 0 ? 5432 : hostPort.getPort();
        this.database = m.group(2);
        this.query = m.group(3) == null ? "" : m.group(3);
        tlsEnv(query); // refuses what the tools cannot be given, at construction rather than mid-backup
        this.user = Objects.requireNonNull(user, "user");
        this.password = password;
        // Debian's pg_wrapper (a Perl script) skipped: the binary it would run, without its cost per launch
        // resolved again at every use (below): a client upgraded or removed under a running service
        // is picked up as the wrapper itself would, not pinned to what was installed at start-up
        this.pgDumpSetting = settings.pgDump();
        this.pgRestoreSetting = settings.pgRestore();
        this.psqlSetting = settings.psql();
        this.jobs = settings.pgJobs();
        this.lockWaitMillis = settings.pgLockWait().toMillis();
        this.lockWait = "--lock-wait-timeout=" + lockWaitMillis;
        this.stagingDir = settings.stagingDir();
    }

    /** The pg_dump to run now: the setting, or the binary Debian's wrapper would run for it. */
    String pgDump() {
        return tools.apply(pgDumpSetting);
    }

    /** The pg_restore to run now (see {@link #pgDump()}). */
    String pgRestore() {
        return tools.apply(pgRestoreSetting);
    }

    /** The psql to run now (see {@link #pgDump()}). */
    String psql() {
        return tools.apply(psqlSetting);
    }

    /** Whether any tool now runs without Debian's wrapper, which would have set PGSYSCONFDIR. */
    private boolean bypassesWrapper() {
        return !pgDump().equals(pgDumpSetting) || !pgRestore().equals(pgRestoreSetting)
                || !psql().equals(psqlSetting);
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    @Override
    public String name() {
        return database;
    }

    private Map<String, String> env(String db) {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", db);
        env.put("PGCONNECT_TIMEOUT", "10");
        if (password != null) {
            env.put("PGPASSWORD", password);
        }
        env.putAll(tlsEnv(query));
        if (System.getenv("PGSYSCONFDIR") == null && bypassesWrapper()) {
            env.put("PGSYSCONFDIR", PgClientTools.WRAPPER_SYSCONFDIR); // as pg_wrapper does (pg_service.conf)
        }
        // the tools' own messages in English, whatever the host's locale: lockWaitTimedOut reads them
        env.put("LC_MESSAGES", "C");
        if (System.getenv("LC_ALL") != null) {
            env.put("LC_ALL", "C");
        }
        return env;
    }

    /**
     * libpq's view of the JDBC URL's TLS parameters, so that pg_dump and pg_restore check the
     * server exactly as the JDBC connections do: {@code ssl=true} without {@code sslmode} means
     * {@code verify-full} to pgjdbc (and would mean only {@code prefer}, strippable by a man in the
     * middle, to libpq); {@code sslrootcert}, {@code sslcert} and {@code sslkey} are passed on.
     *
     * @param query the JDBC URL's query ("" or starting with '?')
     * @return the PGSSL* variables
     * @throws IllegalArgumentException naming DB_URL for {@code sslpassword}, which libpq cannot take
     *         from the environment
     */
    static Map<String, String> tlsEnv(String query) {
        Map<String, String> params = new HashMap<>();
        for (String pair : query.replaceFirst("^\\?", "").split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8)
                        .toLowerCase(java.util.Locale.ROOT),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        Map<String, String> env = new HashMap<>();
        String mode = params.get("sslmode");
        if (mode != null) {
            env.put("PGSSLMODE", mode);
        } else if ("true".equalsIgnoreCase(params.get("ssl"))) {
            env.put("PGSSLMODE", "verify-full");
        }
        if (params.containsKey("sslrootcert")) {
            env.put("PGSSLROOTCERT", params.get("sslrootcert"));
        }
        if (params.containsKey("sslcert")) {
            env.put("PGSSLCERT", params.get("sslcert"));
        }
        if (params.containsKey("sslkey")) {
            env.put("PGSSLKEY", params.get("sslkey"));
        }
        if (params.containsKey("sslpassword")) {
            throw new IllegalArgumentException("DB_URL: sslpassword cannot be handed to pg_dump / pg_restore; use an "
                    + "unencrypted client key file readable only by the service user (sslkey=...)");
        }
        return env;
    }

    private Connection connect(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db + query, p);
    }

    @Override
    public Map<String, String> toolVersions() {
        try (Psql session = Psql.start(psql(), env(database))) {
            return versions(session);
        } catch (IOException e) {
            throw new BackupException(e.getMessage(), e);
        }
    }

    /** pg_dump's and the server's versions (the server's through {@code session}), checked against each other. */
    private Map<String, String> versions(Psql session) throws IOException {
        // pg_dump's --version runs while the session's round trip is under way
        Tool.Output dumpVersion = Tool.startOutput(List.of(pgDump(), "--version"));
        List<String> lines;
        try {
            lines = ask(session, "SHOW server_version;");
        } catch (IOException | RuntimeException e) {
            dumpVersion.abandon();
            throw e;
        }
        return checked(dumpVersion, lines);
    }

    /** The lines {@code sql} printed through {@code session}, the first one the server's version. */
    private List<String> ask(Psql session, String sql) throws IOException {
        List<String> lines;
        try {
            lines = session.query(sql);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("ERROR:")) {
                // connected, but the server refused a statement: its own error, not a connection hint
                throw new BackupException("PostgreSQL database " + database + " at " + host + ":" + port
                        + " refused the backup's session set-up (server version, snapshot): " + e.getMessage(), e);
            }
            throw new BackupException("cannot connect to PostgreSQL database " + database + " at " + host + ":" + port
                    + " as " + user + ": " + e.getMessage() + " (check DB_URL / DB_USER / DB_PASSWORD)", e);
        }
        if (lines.isEmpty()) {
            throw new IOException(psql() + ": no server version from '" + sql + "'");
        }
        return lines;
    }

    /** Waits for pg_dump's {@code --version} and checks it against the server's, the first of {@code lines}. */
    private static Map<String, String> checked(Tool.Output dumpVersion, List<String> lines) throws IOException {
        String dump = dumpVersion.await().strip();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("pg_dump", dump);
        String server = lines.get(0);
        v.put("server", server);
        checkVersions(dump, server);
        return v;
    }

    /**
     * The PostgreSQL advisory lock of {@link dev.bulwark.backup.BackupLock#postgres} on the same
     * key, taken through a psql session with this source's connection settings: for the command
     * line, which has no connection pool.
     *
     * @param key the advisory lock key
     * @return the lock
     */
    public PsqlAdvisoryLock advisoryLock(long key) {
        return new PsqlAdvisoryLock(psql(), env(database), key, lockSession::set);
    }

    /**
     * pg_dump refuses servers newer than itself; say so before starting, with the fix.
     *
     * @param pgDumpVersion output of {@code pg_dump --version}
     * @param serverVersion {@code SHOW server_version}
     */
    public static void checkVersions(String pgDumpVersion, String serverVersion) {
        Matcher d = MAJOR.matcher(pgDumpVersion.replaceAll("^[^0-9]*", ""));
        Matcher s = MAJOR.matcher(serverVersion);
        if (d.lookingAt() && s.lookingAt()) {
            int dumpMajor = Integer.parseInt(d.group(1));
            int serverMajor = Integer.parseInt(s.group(1));
            if (dumpMajor < serverMajor) {
                throw new BackupException("pg_dump " + dumpMajor + " cannot dump a PostgreSQL " + serverMajor
                        + " server; install pg_dump " + serverMajor + " or newer and point BACKUP_PG_DUMP at it");
            }
        }
    }

    @Override
    public String dataExtension() {
        return jobs > 1 ? ".dir.tar" : ".dump";
    }

    @Override
    public Map<String, Long> dump(OutputStream out) throws IOException {
        return dump(out, BackupContext.defaults());
    }

    /**
     * Dumps in one snapshot: a psql session's repeatable-read transaction exports it and
     * {@code pg_dump --snapshot} dumps exactly that state, while the rows of every table are counted
     * from the dump stream itself ({@link PgArchive}): the counts match the dump by construction
     * and cost the database nothing. A table the archive holds no data for (an extension's) is
     * counted with {@code count(*)} in the same snapshot, as is every table should the archive's
     * layout not be understood.
     */
    @Override
    public Map<String, Long> dump(OutputStream out, BackupContext context) throws IOException {
        try (Started started = start(context)) {
            return started.dump(out);
        }
    }

    /**
     * Connects a psql session, exports its snapshot and starts {@code pg_dump} on it (the
     * directory format's pg_dump starts in {@link Started#dump}: it writes into a staging directory).
     */
    @Override
    public Started start(BackupContext context) throws IOException {
        ThreadFactory threads = context.threadFactory();
        Staging.cleanUpAbandoned(stagingDir);
        Psql shared = lockSession.get();
        Psql session = shared != null ? shared : Psql.start(psql(), env(database));
        Tool.Running dumping = null;
        try {
            // one round trip: the server's version, then the snapshot's transaction (pg_dump refuses a
            // newer server; when checkVersions says so first, the transaction ends with the session)
            // lock_timeout: a table counted with count(*) in this transaction waits for a lock no
            // longer than pg_dump does (BACKUP_PG_LOCK_WAIT_SECONDS)
            List<String> lines = ask(session, "SHOW server_version;"
                    + " BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL lock_timeout = " + lockWaitMillis
                    + "; SELECT pg_catalog.pg_export_snapshot();");
            if (lines.size() != 2) {
                throw new IOException(psql() + ": expected the server's version and the exported snapshot, got "
                        + lines);
            }
            String snapshot = lines.get(1);
            LOG.debug("timeline: snapshot exported");
            if (jobs == 1) {
                dumping = Tool.start(List.of(pgDump(), "--format=custom", "--compress=0", "--no-password", lockWait,
                        "--snapshot=" + snapshot), env(database), threads);
                LOG.debug("timeline: pg_dump started");
            }
            // pg_dump's version is read once the dump has started, not before (its launch and run are
            // then off the path to the first byte); a pg_dump older than the server is stopped here,
            // by the catch below, before anything it wrote is kept
            Map<String, String> versions = checked(Tool.startOutput(List.of(pgDump(), "--version")), lines);
            return new PgStarted(session, shared != null, versions, snapshot, dumping, threads);
        } catch (IOException | RuntimeException e) {
            if (dumping != null) {
                dumping.close();
            }
            end(session, shared != null);
            throw e;
        }
    }

    private final class PgStarted implements Started {
        private final Psql session;
        private final boolean shared;
        private final Map<String, String> versions;
        private final String snapshot;
        private final Tool.Running dumping;
        private final ThreadFactory threads;

        PgStarted(Psql session, boolean shared, Map<String, String> versions, String snapshot,
                Tool.Running dumping, ThreadFactory threads) {
            this.session = session;
            this.shared = shared;
            this.versions = versions;
            this.snapshot = snapshot;
            this.dumping = dumping;
            this.threads = threads;
        }

        @Override
        public Map<String, String> toolVersions() {
            return versions;
        }

        @Override
        public Map<String, Long> dump(OutputStream out) throws IOException {
            Optional<Map<String, Long>> streamed;
            try {
                if (dumping == null) {
                    streamed = dumpParallel(snapshot, out, threads);
                } else {
                    AtomicReference<Optional<Map<String, Long>>> counted = new AtomicReference<>(Optional.empty());
                    dumping.finish(out, (stdout, to) -> counted.set(
                            PgArchive.copyCountingRows(new PacedPipeInput(stdout), to)));
                    streamed = counted.get();
                    LOG.debug("timeline: pg_dump's stream ended and pg_dump exited");
                }
            } catch (IOException e) {
                if (lockWaitTimedOut(e.getMessage())) {
                    throw new IOException("pg_dump waited " + lockWait.substring(lockWait.indexOf('=') + 1)
                            + " ms for a table lock held by another session (a migration or a long transaction) and"
                            + " gave up; retry later or raise BACKUP_PG_LOCK_WAIT_SECONDS: " + e.getMessage(), e);
                }
                throw e;
            }
            try {
                Map<String, Long> counts = completeCounts(session, streamed);
                LOG.debug("timeline: row counts complete");
                return counts;
            } catch (IOException e) {
                throw new IOException("PostgreSQL database " + database + " at " + host + ":" + port + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (dumping != null) {
                dumping.close();
            }
            end(session, shared);
        }
    }

    /** Ends the snapshot's transaction: the lock's session stays (its lock released later), any other ends. */
    private static void end(Psql session, boolean shared) {
        if (!shared) {
            session.close();
            return;
        }
        try {
            session.query("ROLLBACK;");
        } catch (IOException e) {
            LOG.warn("the snapshot's transaction could not be ended in the lock's psql session: {}", e.getMessage());
        }
    }

    /** {@code lock_not_available}, printed by libpq when its error verbosity is raised. */
    private static final Pattern LOCK_NOT_AVAILABLE = Pattern.compile("\\b55P03\\b");

    /**
     * Whether pg_dump failed because it waited longer than {@code --lock-wait-timeout} for a
     * table lock. pg_dump turns the option into a {@code statement_timeout} on its
     * {@code LOCK TABLE} statements, so the server's message ("canceling statement due to statement
     * timeout", in the server's {@code lc_messages}, which may not be English) says nothing about a
     * lock; what does, in any server language, is the failed query pg_dump quotes after it
     * ({@code Query was: LOCK TABLE ...}, pg_dump's own words, English as its {@code LC_MESSAGES}
     * is {@code C}) or the SQLSTATE {@code 55P03} when it is printed; a parallel worker's
     * {@code LOCK ... NOWAIT} that fails reports "could not obtain lock". The English server texts
     * stay as a fallback, but a statement timeout on another query (a {@code COPY} cut by a role's
     * {@code statement_timeout}) is not a lock wait.
     *
     * @param stderr the failure message carrying pg_dump's stderr (may be null)
     * @return true when the dump gave up waiting for a lock
     */
    static boolean lockWaitTimedOut(String stderr) {
        if (stderr == null) {
            return false;
        }
        if (LOCK_NOT_AVAILABLE.matcher(stderr).find() || stderr.contains("Query was: LOCK TABLE")
                || stderr.contains("could not obtain lock") || stderr.contains("due to lock timeout")) {
            return true;
        }
        return stderr.contains("due to statement timeout") && !stderr.contains("Query was:")
                && !stderr.contains("Command was:");
    }

    /**
     * The counts of every table {@link #countRows} lists, from the dump where it had them, else
     * with {@code count(*)} in the session's snapshot (the one that was dumped).
     */
    private Map<String, Long> completeCounts(Psql session, Optional<Map<String, Long>> streamed) throws IOException {
        if (streamed.isEmpty()) {
            LOG.info("the pg_dump archive of {} was not understood for row counting; counting rows with count(*) in"
                    + " the dump's snapshot instead", database);
        }
        Map<String, Long> fromDump = streamed.orElse(Map.of());
        Map<String, Long> counts = new LinkedHashMap<>();
        // one line of JSON: names with any character arrive intact
        String json = session.value("SELECT json_agg(json_build_array(n.nspname, c.relname, c.oid)"
                + " ORDER BY n.nspname, c.relname)" + TABLES_FROM + ";");
        if (json.isEmpty()) {
            return counts;
        }
        boolean verbose = false;
        for (String[] t : tableList(json)) {
            String key = t[0] + "." + t[1];
            Long rows = fromDump.get(key);
            if (rows == null) {
                if (!verbose) {
                    session.query("\\set VERBOSITY verbose"); // SQLSTATEs in errors: a lock timeout in any language
                    verbose = true;
                }
                // the table by its oid: the statement is built (and its names quoted) by the server
                String count;
                try {
                    count = session.value("SELECT format('SELECT count(*) FROM %I.%I;', n.nspname, c.relname)"
                            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = "
                            + Long.parseLong(t[2]) + " \\gexec");
                } catch (IOException e) {
                    // the session is verbose: its SQLSTATE decides (55P03, lock_timeout), not the text, so
                    // a statement_timeout's cancel (57014) is not reported as a lock wait
                    if (e.getMessage() != null && LOCK_NOT_AVAILABLE.matcher(e.getMessage()).find()) {
                        throw new IOException("counting the rows of " + key + " (not in the dump) waited "
                                + lockWaitMillis + " ms for a table lock held by another session and gave up; retry"
                                + " later or raise BACKUP_PG_LOCK_WAIT_SECONDS: " + e.getMessage(), e);
                    }
                    throw e;
                }
                rows = Long.parseLong(count);
            }
            counts.put(key, rows);
        }
        return counts;
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** The {@code [[schema, table, oid], ...]} printed by {@code json_agg}, read with Jackson's streaming parser. */
    static List<String[]> tableList(String json) throws IOException {
        List<String[]> tables = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("unexpected table list from psql: " + json);
            }
            while (p.nextToken() == JsonToken.START_ARRAY) {
                String[] t = new String[3];
                for (int i = 0; i < 3; i++) {
                    p.nextToken();
                    t[i] = p.getValueAsString();
                }
                if (p.nextToken() != JsonToken.END_ARRAY || t[0] == null || t[1] == null || t[2] == null) {
                    throw new IOException("unexpected table list from psql: " + json);
                }
                tables.add(t);
            }
        }
        return tables;
    }

    /**
     * {@code pg_dump -Fd -j N} into an owner-only staging directory from the exported snapshot,
     * then the directory as one tar stream into {@code out}, counting each table's rows from its
     * data file on the way.
     */
    private Optional<Map<String, Long>> dumpParallel(String snapshot, OutputStream out, ThreadFactory threads)
            throws IOException {
        try (Staging staging = Staging.create(stagingDir)) {
            Tool.run(List.of(pgDump(), "--format=directory", "--jobs=" + jobs, "--compress=0", "--no-password",
                    lockWait, "--snapshot=" + snapshot, "--file=" + staging.dumpDirectory()), env(database), null, null, threads);
            Path toc = staging.dumpDirectory().resolve("toc.dat");
            Optional<Map<String, PgArchive.TableData>> tables = PgArchive.directoryTables(Files.readAllBytes(toc));
            Map<String, Long> counts = new LinkedHashMap<>();
            Map<String, PgArchive.RowCounter> counters = new HashMap<>();
            staging.tarTo(out, (name, to) -> {
                PgArchive.TableData t = tables.map(m -> m.get(name)).orElse(null);
                if (t == null) {
                    return to;
                }
                PgArchive.RowCounter counter = new PgArchive.RowCounter(to);
                counters.put(name, counter);
                return counter;
            });
            if (tables.isEmpty()) {
                return Optional.empty();
            }
            for (Map.Entry<String, PgArchive.TableData> e : tables.get().entrySet()) {
                PgArchive.RowCounter counter = counters.get(e.getKey());
                counts.merge(e.getValue().key(), counter == null ? 0L : counter.rows(), Long::sum);
            }
            return Optional.of(counts);
        }
    }

    private static final String TABLES_FROM = " FROM pg_class c JOIN pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";
    private static final String TABLES = "SELECT n.nspname, c.relname" + TABLES_FROM + " ORDER BY 1, 2";

    static Map<String, Long> countRows(Connection c) throws SQLException {
        return RowCounts.count(c, TABLES);
    }

    private static String ident(String name) {
        return RowCounts.quote(name);
    }

    /**
     * Drops this source's database (the "disaster" of a destructive drill). Connections to it are
     * terminated.
     */
    public void dropDatabase() {
        drop(database);
    }

    private void drop(String db) {
        SQLException last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                // FORCE ends our own sessions; plain DROP makes PostgreSQL stop an autovacuum worker
                s.execute("DROP DATABASE IF EXISTS " + ident(db) + (attempt % 2 == 0 ? " WITH (FORCE)" : ""));
                return;
            } catch (SQLException e) {
                last = e;
                // 42501: FORCE may not end a backend of another role (an autovacuum worker that just
                // started on the new database); 55006: still in use. Both pass within seconds.
                if (!"42501".equals(e.getSQLState()) && !"55006".equals(e.getSQLState())) {
                    break;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new BackupException("cannot drop database " + db + ": " + (last == null ? "" : last.getMessage()), last);
    }

    @Override
    public RestoreTarget restoreTarget(String target) {
        boolean scratch = target == null;
        String db = scratch ? database + "_restoretest_" + HexFormat.of().formatHex(random()) : target;
        if (!db.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new BackupException("restore target '" + db + "' must be a PostgreSQL database name: letters, digits,"
                    + " underscores, at most 63");
        }
        try (Connection c = connect("postgres")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, db);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new BackupException("database " + db + " already exists; restore into a new database"
                                + " name, or drop it first (a restore never overwrites a database)");
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + ident(db));
            }
        } catch (SQLException e) {
            throw new BackupException("cannot create database " + db + " to restore into (the backup user needs"
                    + " CREATEDB): " + e.getMessage(), e);
        }
        return new RestoreTarget() {
            @Override
            public String describe() {
                return (scratch ? "scratch database " : "database ") + db;
            }

            @Override
            public void restore(InputStream dump) throws IOException {
                restore(dump, BackupContext.defaults());
            }

            @Override
            public void restore(InputStream dump, BackupContext context) throws IOException {
                ThreadFactory threads = context.threadFactory();
                BufferedInputStream in = new BufferedInputStream(dump, 64 * 1024);
                in.mark(512);
                byte[] head = in.readNBytes(512);
                in.reset();
                if (isTar(head)) {
                    restoreDirectoryFormat(in, db, threads);
                } else {
                    Tool.run(List.of(pgRestore(), "--no-owner", "--no-privileges", "--exit-on-error",
                            "--single-transaction", "--no-password", "--dbname=" + db), env(db), in, null, threads);
                }
            }

            @Override
            public Map<String, Long> counts() throws IOException {
                try (Connection c = connect(db)) {
                    return countRows(c);
                } catch (SQLException e) {
                    throw new IOException("cannot count rows in " + db + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void discard() {
                drop(db);
            }
        };
    }

    /** A POSIX tar header: {@code ustar} at offset 257 (a custom-format dump starts with {@code PGDMP}). */
    static boolean isTar(byte[] head) {
        return head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }

    /**
     * Restores a directory-format archive: extracted into an owner-only staging directory, then
     * {@code pg_restore -j N} (N = {@code BACKUP_PG_JOBS}; one job restores in a single transaction).
     */
    private void restoreDirectoryFormat(InputStream archive, String db, ThreadFactory threads) throws IOException {
        try (Staging staging = Staging.create(stagingDir)) {
            staging.untarFrom(archive);
            List<String> cmd = new ArrayList<>(List.of(pgRestore(), "--no-owner", "--no-privileges", "--exit-on-error",
                    "--no-password", "--format=directory", "--dbname=" + db));
            cmd.add(jobs > 1 ? "--jobs=" + jobs : "--single-transaction");
            cmd.add(staging.dumpDirectory().toString());
            Tool.run(cmd, env(db), null, null, threads);
        }
    }

    private static byte[] random() {
        byte[] b = new byte[4];
        Random.RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public String toString() {
        return "PgDumpSource[" + user + "@" + host + ":" + port + "/" + database + "]";
    }
}
