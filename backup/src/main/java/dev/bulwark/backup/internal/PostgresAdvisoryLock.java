package dev.bulwark.backup.internal;

import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupLock;
import dev.bulwark.core.internal.PgAdvisoryLock;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A PostgreSQL session advisory lock ({@code pg_try_advisory_lock}), so that of several service
 * instances sharing one database only one runs the scheduled backup. The lock lives as long as the
 * connection that took it: if the holder dies, PostgreSQL releases it.
 */
public final class PostgresAdvisoryLock implements BackupLock {
    /** Default lock key: "bulwark backup" folded into a bigint. */
    public static final long DEFAULT_KEY = 0x62756c7761726bL;

    private final DataSource dataSource;
    private final long key;

    /**
     * An advisory lock on the default key.
     *
     * @param dataSource a PostgreSQL data source (one connection is held while the lock is held)
     */
    public PostgresAdvisoryLock(DataSource dataSource) {
        this(dataSource, DEFAULT_KEY);
    }

    /**
     * An advisory lock on the given key.
     *
     * @param dataSource a PostgreSQL data source
     * @param key the advisory lock key shared by the instances
     */
    public PostgresAdvisoryLock(DataSource dataSource, long key) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.key = key;
    }

    @Override
    public Optional<Held> tryAcquire() {
        try {
            return PgAdvisoryLock.tryLock(dataSource, key).map(held -> () -> PgAdvisoryLock.release(held, key));
        } catch (SQLException e) {
            throw new BackupException("cannot take the PostgreSQL advisory lock " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "another instance holds PostgreSQL advisory lock " + key;
    }
}
