/**
 * Bulwark seccomp sandbox: Runs untrusted code in a Docker container under a strict seccomp allow-list, without network and with resource limits.
 *
 * <p>Public API and SPI live in this package; {@code dev.bulwark.sandbox.internal} is not API.
 */
package dev.bulwark.sandbox;
