/**
 * Internals shared by Bulwark's modules: environment reading with exact errors, thread factories,
 * hashing. Not an API: its one package is exported only to Bulwark's own modules, so the JVM
 * refuses it to anyone else on the module path.
 */
module dev.bulwark.core {
    requires transitive java.sql;
    requires org.slf4j;

    exports dev.bulwark.core.internal to
            dev.bulwark.jwt, dev.bulwark.sandbox, dev.bulwark.pool, dev.bulwark.backup, dev.bulwark.alerting,
            dev.bulwark.micrometer;
}
