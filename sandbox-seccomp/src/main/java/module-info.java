/**
 * Untrusted code in a container under a strict seccomp allow-list, without network, with resource
 * limits and an engine-side lifetime. Jackson reads and writes the seccomp profile, hence the
 * qualified {@code opens}.
 */
module dev.bulwark.sandbox {
    requires dev.bulwark.core;
    requires transitive com.codahale.metrics;
    requires transitive com.codahale.metrics.health;
    requires transitive com.github.dockerjava.api;
    requires com.github.dockerjava.core;
    requires com.github.dockerjava.transport;
    requires com.github.dockerjava.transport.zerodep;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.databind;
    requires org.apache.commons.compress;
    requires org.slf4j;

    exports dev.bulwark.sandbox;

    opens dev.bulwark.sandbox to com.fasterxml.jackson.databind;
}
