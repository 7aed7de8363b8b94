package dev.bulwark.backup.internal;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the PostgreSQL client program ({@code pg_dump}, {@code pg_restore}, {@code psql}) that a
 * bare name on the {@code PATH} stands for, skipping Debian's {@code pg_wrapper}: on Debian and
 * Ubuntu {@code /usr/bin/pg_dump} is a link to a Perl script that picks a version and then runs
 * {@code /usr/lib/postgresql/<N>/bin/pg_dump}, which costs every launch about 40 ms and 0.04
 * CPU-seconds (a backup launches two or three). The connection always names its host
 * ({@code PGHOST}), so the wrapper's choice is its rule for that case, which this class repeats:
 * the newest {@code <N>} (a directory name of the form {@code \d+\.?\d+}, compared as a number)
 * whose {@code bin/<program>} is executable. For a {@code psql} older than 13 the wrapper may
 * preload {@code libreadline}, so such a psql is left to the wrapper; so is anything that is not
 * exactly the wrapper. A setting holding a path ({@code BACKUP_PG_DUMP=/opt/pg/bin/pg_dump}) is
 * used as it is.
 */
public final class PgClientTools {
    /** Where Debian's postgresql-common installs the wrapper. */
    static final Path WRAPPER = Path.of("/usr/share/postgresql-common/pg_wrapper");
    /** Where Debian installs each major version's programs ({@code $PgCommon::binroot}). */
    static final Path BIN_ROOT = Path.of("/usr/lib/postgresql");
    /** The wrapper's default for libpq's {@code PGSYSCONFDIR} ({@code pg_service.conf}). */
    static final String WRAPPER_SYSCONFDIR = "/etc/postgresql-common";
    private static final Pattern VERSION = Pattern.compile("\\d+\\.?\\d+");

    private PgClientTools() {
    }

    /**
     * The program to run for a configured tool.
     *
     * @param configured the setting ({@code BACKUP_PG_DUMP}...): a bare name is looked up on
     *     {@code PATH}, anything with a {@code /} is returned unchanged
     * @param path the {@code PATH} to search (null: none, the name is returned unchanged)
     * @return the versioned binary behind Debian's wrapper, else {@code configured}
     */
    public static String resolve(String configured, String path) {
        return resolve(configured, path, WRAPPER, BIN_ROOT).orElse(configured);
    }

    /**
     * {@link #resolve(String, String)} with the wrapper's and the binaries' locations given (tests).
     *
     * @param configured the setting
     * @param path the {@code PATH}
     * @param wrapper the wrapper script's real path
     * @param binRoot the directory of the versions' directories
     * @return the binary to run instead, when the name on the PATH is the wrapper
     */
    static Optional<String> resolve(String configured, String path, Path wrapper, Path binRoot) {
        if (configured.isEmpty() || configured.contains("/") || path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(configured);
            if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
                continue;
            }
            // the first executable on the PATH is what the name runs: the wrapper, or not
            try {
                if (!candidate.toRealPath().equals(wrapper.toRealPath())) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            return newest(configured, binRoot);
        }
        return Optional.empty();
    }

    /** {@code get_newest_version($program)} of the wrapper's PgCommon.pm, for a host given explicitly. */
    private static Optional<String> newest(String program, Path binRoot) {
        BigDecimal best = null;
        Path bestPath = null;
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(binRoot)) {
            for (Path v : versions) {
                Path file = v.getFileName();
                String name = file == null ? "" : file.toString();
                Path bin = v.resolve("bin").resolve(program);
                if (VERSION.matcher(name).matches() && Files.isExecutable(bin)) {
                    BigDecimal number = new BigDecimal(name);
                    if (best == null || number.compareTo(best) > 0) {
                        best = number;
                        bestPath = bin;
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        if (bestPath == null || (program.equals("psql") && best.compareTo(BigDecimal.valueOf(13)) < 0)) {
            return Optional.empty();
        }
        return Optional.of(bestPath.toString());
    }
}
