package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** pg_dump and pg_restore check the server's certificate exactly as the JDBC URL asks. */
class PgDumpSourceTlsTest {

    @Test
    void sslTrueMeansVerifyFullAsForPgjdbcNotLibpqsStrippablePrefer() {
        assertThat(PgDumpSource.tlsEnv("?ssl=true")).containsEntry("PGSSLMODE", "verify-full");
        assertThat(PgDumpSource.tlsEnv("?ssl=true&sslmode=require")).containsEntry("PGSSLMODE", "require");
        assertThat(PgDumpSource.tlsEnv("")).isEmpty();
        assertThat(PgDumpSource.tlsEnv("?ApplicationName=x")).isEmpty();
    }

    @Test
    void certificateFilesReachTheTools() {
        assertThat(PgDumpSource.tlsEnv("?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&sslcert=/c.crt&sslkey=/c.key"))
                .isEqualTo(Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", "/etc/ca.pem", "PGSSLCERT", "/c.crt",
                        "PGSSLKEY", "/c.key"));
    }

    @Test
    void aKeyPasswordTheToolsCannotTakeIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new PgDumpSource("jdbc:postgresql://db:5432/app?sslkey=/k&sslpassword=s", "u", "p",
                dev.bulwark.backup.BackupSettings.builder().build()))
                .hasMessageContaining("DB_URL").hasMessageContaining("sslpassword").hasMessageNotContaining("=s");
    }
}
