package dev.bulwark.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.backup.internal.PostgresAdvisoryLock;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The command line's advisory lock is held by a psql session: when the JVM holding it is killed
 * with SIGKILL (no finally block runs), psql reads the end of its input and quits, and PostgreSQL
 * frees the lock, so the next backup is not locked out until someone intervenes.
 */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class KilledLockHolderIT {
    private static final long KEY = 4545;

    private PgFixture db;

    @BeforeEach
    void setUp() throws Exception {
        db = new PgFixture(10);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @Test
    void aKilledHoldersLockIsFreedByTheServer() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.url());
        ds.setUser(db.user);
        ds.setPassword(db.password);
        PostgresAdvisoryLock other = new PostgresAdvisoryLock(ds, KEY);
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PsqlLockHolderMain.class.getName(), db.url(), db.user,
                db.password, Long.toString(KEY))).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("LOCKED"));
            assertThat(line).as("child took the lock").isEqualTo("LOCKED");
            assertThat(other.tryAcquire()).as("held by the child's psql session").isEmpty();

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        Optional<BackupLock.Held> taken = other.tryAcquire();
        while (taken.isEmpty() && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // poll the server, gently
            taken = other.tryAcquire();
        }
        assertThat(taken).as("the lock is free again after its holder was killed").isPresent();
        taken.get().close();
    }
}
