/**
 * Exposes the Bulwark modules' dropwizard metrics to a Micrometer {@code MeterRegistry} with
 * Micrometer names and tags (HikariCP binding names for the pool, one refusal counter with a
 * {@code reason} tag).
 */
module dev.bulwark.micrometer {
    requires transitive com.codahale.metrics;
    requires transitive micrometer.core;
    requires dev.bulwark.core;
    requires org.slf4j;

    exports dev.bulwark.micrometer;
}
