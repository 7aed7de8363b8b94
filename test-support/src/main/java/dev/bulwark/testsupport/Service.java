package dev.bulwark.testsupport;

/** The external services Bulwark's integration tests use. */
public enum Service {
    /** A Docker engine answering {@code /_ping} on {@code DOCKER_HOST} (default the Unix socket). */
    DOCKER,
    /**
     * A second Docker engine behind TLS with client-certificate authentication at
     * {@link TestServices#dockerTlsHost()}, client certificates in {@link TestServices#dockerTlsCerts()}.
     */
    DOCKER_TLS,
    /** A PostgreSQL server accepting connections at {@link TestServices#postgresUrl()}. */
    POSTGRESQL,
    /**
     * PostgreSQL's server binaries ({@code initdb}, {@code pg_ctl}) usable by this process, for
     * tests that start, kill and restart a {@link ThrowawayPostgres} of their own. As root they
     * run as the {@code postgres} user through {@code runuser}.
     */
    PG_SERVER,
    /** PostgreSQL's client tools {@code pg_dump}, {@code pg_restore} and {@code psql} on the PATH. */
    PG_TOOLS,
    /** Prometheus' {@code promtool} on the PATH. */
    PROMTOOL,
    /** A Prometheus Alertmanager answering {@code /-/ready} at {@link TestServices#alertmanagerUrl()}. */
    ALERTMANAGER,
    /** Chromium and ChromeDriver executables, for browser tests. */
    CHROMIUM
}
