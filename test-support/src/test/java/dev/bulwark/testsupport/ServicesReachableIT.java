package dev.bulwark.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Proves the probes see the real services that {@code scripts/test-services.sh} starts; in CI
 * ({@code BULWARK_REQUIRE_SERVICES=true}) a missing service fails here first, with its reason.
 */
@RequiresService({Service.DOCKER, Service.POSTGRESQL, Service.PG_TOOLS, Service.PROMTOOL,
        Service.ALERTMANAGER, Service.CHROMIUM})
class ServicesReachableIT {

    @Test
    void everyProvisionedServiceAnswersItsProbe() {
        for (Service service : Service.values()) {
            Availability availability = TestServices.fromEnvironment().probe(service);
            assertThat(availability.available()).as(availability.detail()).isTrue();
        }
    }

    @Test
    void dockerProbeReadsTheEnginesPingAnswer() {
        assertThat(TestServices.probeDocker(TestServices.dockerHost()).detail()).startsWith("engine at ");
    }
}
