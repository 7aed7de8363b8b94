package dev.bulwark.samples.dropwizard;

import io.dropwizard.core.Configuration;

/**
 * The sample's Dropwizard configuration: only Dropwizard's own sections (server, logging). The
 * Bulwark modules read the contract's environment variables, as in every sample
 * ({@code ServiceSettings}), so the three samples take the same settings.
 */
public class ServiceConfiguration extends Configuration {
}
