package dev.bulwark.samples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.jwt.Argon2idPasswordHasher;
import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.jwt.LoginGuardSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsPutDatabaseBackupsAndAPersistentSecretUnderTheDataDirectory() throws Exception {
        ServiceSettings s = ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "PORT", "9123"));

        assertThat(s.env()).containsEntry("DB_EMBEDDED_PATH", dir.resolve("bulwark-db").toString())
                .containsEntry("BACKUP_DIR", dir.resolve("backups").toString());
        assertThat(s.env().get("JWT_SECRET")).isEqualTo(Files.readString(dir.resolve("jwt-secret")).trim());
        assertThat(ServiceSettings.from(Map.of("DATA_DIR", dir.toString())).env().get("JWT_SECRET"))
                .as("the same secret after a restart").isEqualTo(s.env().get("JWT_SECRET"));
        assertThat(s.generatedPassword()).isTrue();
        assertThat(s.readTimeoutSeconds()).isEqualTo(30);
        assertThat(s.trader()).isEmpty();
    }

    @Test
    void portZeroIsLeftToTheServerAndTheOwnOriginIsAskedOfItOnceItListens() throws Exception {
        ServiceSettings s = ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "PORT", "0"));
        AtomicInteger bound = new AtomicInteger();
        JwtSettings jwt = s.jwtSettings(bound::get);
        LoginGuardSettings guard = s.loginGuardSettings(bound::get);

        assertThat(s.port()).isZero();
        assertThat(s.env()).doesNotContainKey("JWT_ALLOWED_ORIGINS");
        assertThatThrownBy(jwt::allowedOrigins).as("not listening yet: no origin is guessed")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("JWT_ALLOWED_ORIGINS");
        bound.set(41234);
        assertThat(jwt.allowedOrigins()).containsExactlyInAnyOrder("http://localhost:41234", "http://127.0.0.1:41234");
        assertThat(guard.allowedOrigins()).containsExactlyInAnyOrder("http://localhost:41234", "http://127.0.0.1:41234");
    }

    @Test
    void jwtAllowedOriginsReplaceTheOwnOrigin() throws Exception {
        ServiceSettings s = ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "PORT", "0",
                "JWT_ALLOWED_ORIGINS", "https://app.example"));

        assertThat(s.jwtSettings(() -> 41234).allowedOrigins()).containsExactly("https://app.example");
        assertThat(s.loginGuardSettings(() -> 41234).allowedOrigins()).containsExactly("https://app.example");
    }

    @Test
    void refusesAReadTimeoutAboveThirtySecondsNamingTheVariable() {
        assertThatThrownBy(() -> ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "HTTP_READ_TIMEOUT_SECONDS", "31")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTTP_READ_TIMEOUT_SECONDS")
                .hasMessageContaining("31");
        assertThatThrownBy(() -> ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORT");
        assertThatThrownBy(() -> ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "PORT", "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORT");
    }

    @Test
    void toStringNeverShowsAPassword() throws Exception {
        ServiceSettings s = ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "DEMO_PASSWORD", "sekrit-1",
                "DEMO_TRADER_PASSWORD", "sekrit-2"));

        assertThat(s.toString()).doesNotContain("sekrit").doesNotContain(s.env().get("JWT_SECRET"));
    }

    @Test
    void theTraderExistsOnlyWithItsPasswordAndIsNoAdmin() throws Exception {
        Argon2idPasswordHasher hasher = Argon2idPasswordHasher.builder().memoryKiB(1024).iterations(1).build();
        Users without = Users.create(ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "DEMO_PASSWORD", "pw")), hasher);
        Users with = Users.create(ServiceSettings.from(Map.of("DATA_DIR", dir.toString(), "DEMO_PASSWORD", "pw",
                "DEMO_TRADER_PASSWORD", "tpw")), hasher);

        assertThat(without.roles("trader")).isEmpty();
        assertThat(without.check("trader", "tpw")).isFalse();
        assertThat(with.check("trader", "tpw")).isTrue();
        assertThat(with.check("trader", "pw")).isFalse();
        assertThat(with.roles("trader")).contains(java.util.List.of("trader"));
        assertThat(with.roles("demo")).contains(java.util.List.of("trader", "admin"));
        assertThat(with.check("demo", "pw")).isTrue();
    }
}
