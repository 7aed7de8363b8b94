/**
 * In-process alert rules with grace periods, dedupe and retrying notifiers (webhook, Slack, email,
 * Alertmanager). E-mail needs Jakarta Mail ({@code requires static}: a service that sends e-mail
 * brings an implementation such as Angus Mail).
 */
module dev.bulwark.alerting {
    requires dev.bulwark.core;
    requires transitive com.codahale.metrics;
    requires transitive com.codahale.metrics.health;
    requires transitive java.net.http;
    requires transitive java.sql;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static transitive jakarta.mail;

    exports dev.bulwark.alerting;
}
