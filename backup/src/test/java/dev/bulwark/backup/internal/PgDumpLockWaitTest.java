package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Telling a lock-wait timeout of pg_dump from its other failures, in any server language. */
class PgDumpLockWaitTest {

    private static final String PREFIX = "pg_dump failed with exit code 1: ";

    @Test
    void recognisesTheLockTableThatTimedOutOnAnEnglishServer() {
        // pg_dump 15 against a server holding ACCESS EXCLUSIVE on the table (captured)
        assertThat(PgDumpSource.lockWaitTimedOut(PREFIX
                + "pg_dump: error: query failed: ERROR:  canceling statement due to statement timeout\n"
                + "pg_dump: detail: Query was: LOCK TABLE public.notes IN ACCESS SHARE MODE")).isTrue();
    }

    @Test
    void recognisesTheLockTableThatTimedOutWhateverTheServerLanguage() {
        assertThat(PgDumpSource.lockWaitTimedOut(PREFIX
                + "pg_dump: error: query failed: FEHLER:  storniere Anfrage wegen Zeitüberschreitung der Anweisung\n"
                + "pg_dump: detail: Query was: LOCK TABLE public.orders IN ACCESS SHARE MODE")).isTrue();
    }

    @Test
    void recognisesTheSqlStateLockNotAvailableWhenItIsPrinted() {
        assertThat(PgDumpSource.lockWaitTimedOut(PREFIX
                + "pg_dump: error: query failed: FEHLER:  55P03: konnte Sperre für Relation »orders« nicht setzen"))
                .isTrue();
    }

    @Test
    void recognisesAParallelWorkerThatCouldNotLockItsTable() {
        assertThat(PgDumpSource.lockWaitTimedOut(PREFIX
                + "pg_dump: error: could not obtain lock on relation \"public.orders\"")).isTrue();
    }

    @Test
    void aStatementTimeoutDuringTheDataCopyIsNotALockWait() {
        // a role's statement_timeout cutting a long COPY: raising the lock wait would not help
        assertThat(PgDumpSource.lockWaitTimedOut(PREFIX
                + "pg_dump: error: Dumping the contents of table \"orders\" failed: PQgetResult() failed.\n"
                + "pg_dump: detail: Error message from server: ERROR:  canceling statement due to statement timeout\n"
                + "pg_dump: detail: Command was: COPY public.orders (id, amount) TO stdout;")).isFalse();
    }

    @Test
    void otherFailuresAreNotLockWaits() {
        assertThat(PgDumpSource.lockWaitTimedOut(PREFIX + "pg_dump: error: connection to server at \"127.0.0.1\","
                + " port 5432 failed: FATAL:  password authentication failed for user \"bulwark\"")).isFalse();
        assertThat(PgDumpSource.lockWaitTimedOut(null)).isFalse();
    }

    @Test
    void theEnglishServerTextAloneStillCounts() {
        assertThat(PgDumpSource.lockWaitTimedOut(PREFIX
                + "pg_dump: error: query failed: ERROR:  canceling statement due to statement timeout")).isTrue();
    }
}
