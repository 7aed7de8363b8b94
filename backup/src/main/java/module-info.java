/**
 * Scheduled, checksummed, compressed and encrypted backups with retention, restore tests and a
 * disaster-recovery drill. The S3 store needs the AWS SDK ({@code requires static}: a service that
 * stores backups in S3 brings it).
 */
module dev.bulwark.backup {
    requires dev.bulwark.core;
    requires transitive com.codahale.metrics;
    requires transitive com.codahale.metrics.health;
    requires transitive java.sql;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.github.luben.zstd_jni;
    requires com.google.crypto.tink;
    requires com.cronutils;
    requires org.apache.commons.compress;
    requires org.slf4j;
    requires static software.amazon.awssdk.services.s3;
    requires static software.amazon.awssdk.core;
    requires static software.amazon.awssdk.regions;
    requires static software.amazon.awssdk.auth;
    requires static software.amazon.awssdk.http;
    requires static software.amazon.awssdk.http.urlconnection;
    requires static org.postgresql.jdbc;
    requires static java.naming;

    exports dev.bulwark.backup;
    exports dev.bulwark.backup.cli;

    opens dev.bulwark.backup to com.fasterxml.jackson.databind;
}
