package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas of the sample on one PostgreSQL (DB_URL set): a user name throttled on one is throttled on the other. */
@RequiresService(Service.POSTGRESQL)
class SharedLoginThrottleIT {
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    private HardenedService replica(Path dataDir) throws Exception {
        return HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(),
                "DB_URL", TestServices.postgresUrl(), "DB_USER", TestServices.postgresUser(),
                "DB_PASSWORD", TestServices.postgresPassword(), "DB_POOL_SIZE", "2", "DB_MAX_OVERFLOW", "2",
                "BACKUP_SCHEDULE", "off", "SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock",
                "JWT_LOGIN_MAX_ATTEMPTS_PER_USER", "3"), "shared-password");
    }

    static int login(HardenedService service, String user) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(service.url() + "/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"guess\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void guessesOnOneReplicaThrottleTheUserNameOnTheOther() throws Exception {
        // A user name of its own (not the demo user), so no other test on this database is locked out.
        String user = "ghost-" + UUID.randomUUID();
        try (HardenedService a = replica(dataA); HardenedService b = replica(dataB)) {
            assertThat(login(a, user)).isEqualTo(401);
            assertThat(login(b, user)).isEqualTo(401);
            assertThat(login(a, user)).isEqualTo(401);

            assertThat(login(b, user)).isEqualTo(429);
            assertThat(login(a, user)).isEqualTo(429);
        }
    }
}
