/**
 * JWT authentication in hardened cookies: tokens, refresh rotation with reuse detection, CSRF
 * defence, revocation, sessions, and adapters for the JDK HTTP server and servlet containers.
 * The servlet adapter needs {@code jakarta.servlet}, the JDK adapter {@code jdk.httpserver}; both
 * are optional ({@code requires static}), so a service brings the one it uses.
 */
module dev.bulwark.jwt {
    requires dev.bulwark.core;
    requires transitive com.nimbusds.jose.jwt;
    requires transitive com.codahale.metrics;
    requires transitive com.codahale.metrics.health;
    requires transitive java.sql;
    requires com.github.benmanes.caffeine;
    requires org.bouncycastle.provider;
    requires org.slf4j;
    requires static transitive jakarta.servlet;
    requires static transitive jdk.httpserver;

    exports dev.bulwark.jwt;
    exports dev.bulwark.jwt.jdkhttp;
    exports dev.bulwark.jwt.servlet;
}
