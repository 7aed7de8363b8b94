/**
 * Bulwark alerting: In-process alert rules with grace periods, dedupe and retrying notifiers, plus the equivalent Prometheus rule file.
 *
 * <p>Public API and SPI live in this package; {@code dev.bulwark.alerting.internal} is not API.
 */
package dev.bulwark.alerting;
