package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample on PostgreSQL: POST /admin/backups runs pg_dump; the backup is listed and restorable. */
@RequiresService({Service.POSTGRESQL, Service.PG_TOOLS})
class PostgresBackupEndpointIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void backupOfThePostgresDatabaseIsTakenAndListed() throws Exception {
        try (HardenedService service = HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(),
                "DB_URL", TestServices.postgresUrl(), "DB_USER", TestServices.postgresUser(),
                "DB_PASSWORD", TestServices.postgresPassword(), "BACKUP_SCHEDULE", "off",
                "SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock"), "pg-password")) {
            String base = service.url();
            HttpResponse<String> login = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"demo\",\"password\":\"pg-password\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            Map<String, String> jar = new LinkedHashMap<>();
            for (String c : login.headers().allValues("Set-Cookie")) {
                String pair = c.split(";", 2)[0];
                jar.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            StringBuilder cookie = new StringBuilder();
            jar.forEach((k, v) -> cookie.append(cookie.length() == 0 ? "" : "; ").append(k).append('=').append(v));

            HttpResponse<String> taken = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/admin/backups"))
                    .POST(HttpRequest.BodyPublishers.noBody()).header("Cookie", cookie.toString())
                    .header("Origin", base).header("X-CSRF-Token", jar.get("__Host-csrf")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(taken.statusCode()).as(taken.body()).isEqualTo(201);
            JsonNode backup = JSON.readTree(taken.body());
            assertThat(backup.get("source").asText()).isEqualTo("postgresql");
            assertThat(backup.get("counts").size()).as("tables counted in the dump's snapshot").isPositive();
            assertThat(backup.get("sha256").asText()).hasSize(64);
            JsonNode listed = JSON.readTree(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/admin/backups"))
                    .header("Cookie", cookie.toString()).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(listed.get("backups").get(0).get("id").asText()).isEqualTo(backup.get("id").asText());
            assertThat(listed.get("backups").get(0).get("status").asText()).isEqualTo("COMPLETE");
            Poll.until(Duration.ofSeconds(5), "data object on disk", () -> {
                try (var files = Files.list(dataDir.resolve("backups"))) {
                    return files.anyMatch(p -> p.getFileName().toString().startsWith(backup.get("id").asText()
                            + ".dump.zst"));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }
}
