package dev.bulwark.testsupport;

import java.util.Objects;

/**
 * Whether a service was found, and if not, why and how to get it.
 *
 * @param service the service probed
 * @param available true when the probe succeeded
 * @param detail what the probe saw (address, version, or the failure)
 */
public record Availability(Service service, boolean available, String detail) {

    /** Validates the fields. */
    public Availability {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(detail, "detail");
    }

    static Availability up(Service service, String detail) {
        return new Availability(service, true, detail);
    }

    static Availability down(Service service, String detail) {
        return new Availability(service, false, detail);
    }
}
