/**
 * Bulwark database pool: HikariCP configured from the environment, with a pool monitor, a health payload and Prometheus metrics.
 *
 * <p>Public API and SPI live in this package; {@code dev.bulwark.pool.internal} is not API.
 */
package dev.bulwark.pool;
