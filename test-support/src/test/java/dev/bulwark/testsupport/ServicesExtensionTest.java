package dev.bulwark.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

class ServicesExtensionTest {

    @TempDir
    Path bin;

    private final Map<String, String> env = new HashMap<>();

    private ServicesExtension extension() {
        return new ServicesExtension(new TestServices(env::get));
    }

    @Test
    void skipsWithReasonWhenServiceMissingAndNotRequired() {
        env.put("PATH", bin.toString());

        ConditionEvaluationResult result = extension().decide(Set.of(Service.PROMTOOL));

        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).get().asString()
                .contains("PROMTOOL", "not on PATH: promtool", "scripts/test-services.sh");
    }

    @Test
    void failsWhenServiceMissingAndRequired() {
        env.put("PATH", bin.toString());
        env.put(TestServices.REQUIRE_SERVICES, "true");

        assertThatThrownBy(() -> extension().decide(Set.of(Service.PROMTOOL)))
                .isInstanceOf(ServicesExtension.MissingServiceException.class)
                .hasMessageContaining("PROMTOOL")
                .hasMessageContaining("BULWARK_REQUIRE_SERVICES=true");
    }

    @Test
    void enablesWhenExecutablesArePresent() throws IOException {
        for (String name : new String[] {"chromium", "chromedriver"}) {
            Path file = bin.resolve(name);
            Files.writeString(file, "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        env.put("PATH", bin.toString());
        env.put(TestServices.REQUIRE_SERVICES, "true");

        ConditionEvaluationResult result = extension().decide(Set.of(Service.CHROMIUM));

        assertThat(result.isDisabled()).isFalse();
    }

    @Test
    void reportsAPostgresPortWithAListenerAsUp() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            env.put("BULWARK_PG_URL", "jdbc:postgresql://127.0.0.1:" + listener.getLocalPort() + "/db");

            Availability availability = new TestServices(env::get).probe(Service.POSTGRESQL);

            assertThat(availability.available()).isTrue();
        }
    }

    @Test
    void reportsAClosedPostgresPortAsDown() throws IOException {
        int port;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = listener.getLocalPort();
        }
        env.put("BULWARK_PG_URL", "jdbc:postgresql://127.0.0.1:" + port + "/db");

        Availability availability = new TestServices(env::get).probe(Service.POSTGRESQL);

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("nothing listening at 127.0.0.1:" + port);
    }

    @Test
    void reportsAMissingDockerSocketAsDown() {
        env.put("DOCKER_HOST", "unix://" + bin.resolve("docker.sock"));

        Availability availability = new TestServices(env::get).probe(Service.DOCKER);

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("no socket at");
    }

    @Test
    void requireFlagAcceptsOnlyTrue() {
        env.put(TestServices.REQUIRE_SERVICES, "yes");
        assertThat(new TestServices(env::get).servicesRequired()).isFalse();
        env.put(TestServices.REQUIRE_SERVICES, " TRUE ");
        assertThat(new TestServices(env::get).servicesRequired()).isTrue();
    }
}
