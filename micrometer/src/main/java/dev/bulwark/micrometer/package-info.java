/**
 * Micrometer bridge: {@link dev.bulwark.micrometer.BulwarkMetrics} exposes the dropwizard
 * {@code MetricRegistry} that Bulwark's modules register in to a Micrometer {@code MeterRegistry},
 * with Micrometer names and tags (pool series as Micrometer's own HikariCP binding names them).
 */
package dev.bulwark.micrometer;
