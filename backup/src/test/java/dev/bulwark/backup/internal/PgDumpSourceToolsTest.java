package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.backup.BackupSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Review 2026-11-27 (session 16), B1: the binary behind Debian's pg_wrapper is chosen at each use,
 * as the wrapper itself does, so a PostgreSQL client upgraded (or removed) under a running service
 * is picked up by its next backup instead of failing every backup until the service restarts.
 */
class PgDumpSourceToolsTest {

    @Test
    void theToolsAreChosenAgainAtEveryUseNotOnceAtConstruction() {
        AtomicReference<String> installed = new AtomicReference<>("15");
        List<String> asked = new ArrayList<>();
        PgDumpSource source = new PgDumpSource("jdbc:postgresql://db:5432/app", "u", "p",
                BackupSettings.builder().build(), name -> {
                    asked.add(name);
                    return "/usr/lib/postgresql/" + installed.get() + "/bin/" + name;
                });
        assertThat(source.pgDump()).isEqualTo("/usr/lib/postgresql/15/bin/pg_dump");
        assertThat(source.psql()).isEqualTo("/usr/lib/postgresql/15/bin/psql");

        installed.set("17"); // apt installed postgresql-client-17 and removed 15 while the service ran
        assertThat(source.pgDump()).isEqualTo("/usr/lib/postgresql/17/bin/pg_dump");
        assertThat(source.pgRestore()).isEqualTo("/usr/lib/postgresql/17/bin/pg_restore");
        assertThat(source.psql()).isEqualTo("/usr/lib/postgresql/17/bin/psql");
        assertThat(asked).containsExactly("pg_dump", "psql", "pg_dump", "pg_restore", "psql");
    }
}
