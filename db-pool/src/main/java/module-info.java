/**
 * HikariCP configured from the environment, with a pool monitor (utilisation, exhaustion, leaks,
 * overflow, a fleet budget), JSON health and Prometheus metrics.
 */
module dev.bulwark.pool {
    requires dev.bulwark.core;
    requires transitive com.zaxxer.hikari;
    requires transitive com.codahale.metrics;
    requires transitive com.codahale.metrics.health;
    requires transitive io.prometheus.metrics.model;
    requires transitive java.sql;
    requires io.prometheus.metrics.instrumentation.dropwizard;
    requires transitive io.prometheus.metrics.instrumentation.dropwizard5;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.bulwark.pool;

    opens dev.bulwark.pool to com.fasterxml.jackson.databind;
}
