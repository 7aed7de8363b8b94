package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /sandbox/run runs a strategy in the strict Docker sandbox, end to end over HTTP. */
@RequiresService(Service.DOCKER)
class SandboxEndpointIT {

    @TempDir
    static Path dataDir;
    static HardenedService service;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        service = HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(), "DB_POOL_SIZE", "1",
                "DB_MAX_OVERFLOW", "2"), "pw");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void runsAStrategyAndReportsTheResult() throws Exception {
        HttpResponse<String> login = CLIENT.send(HttpRequest.newBuilder(URI.create(service.url() + "/auth/login"))
                .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"demo\",\"password\":\"pw\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, String> jar = new LinkedHashMap<>();
        for (String c : login.headers().allValues("Set-Cookie")) {
            String pair = c.split(";", 2)[0];
            jar.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        String code = "import sys\\nprices = [float(x) for x in open('prices.csv').read().split()]\\n"
                + "print(sum(prices) / len(prices))\\nprint(sys.stdin.read().strip(), file=sys.stderr)";
        String body = "{\"language\":\"python\",\"code\":\"" + code + "\",\"stdin\":\"hello\","
                + "\"files\":{\"prices.csv\":\"1\\n2\\n3\\n6\"}}";

        HttpResponse<String> run = CLIENT.send(HttpRequest.newBuilder(URI.create(service.url() + "/sandbox/run"))
                .header("Cookie", "__Host-access_token=" + jar.get("__Host-access_token") + "; __Host-csrf=" + jar.get("__Host-csrf"))
                .header("X-CSRF-Token", jar.get("__Host-csrf")).header("Origin", service.url())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(run.body());
        assertThat(result.get("exitCode").asInt()).isZero();
        assertThat(result.get("stdout").asText()).isEqualTo("3.0\n");
        assertThat(result.get("stderr").asText()).isEqualTo("hello\n");
        assertThat(result.get("timedOut").asBoolean()).isFalse();
        assertThat(result.get("oomKilled").asBoolean()).isFalse();
    }
}
