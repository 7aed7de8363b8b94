package dev.bulwark.jwt;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import org.junit.jupiter.api.AfterEach;

/**
 * The JDBC store on the real PostgreSQL behind a HikariCP pool set to {@code autoCommit=false}:
 * every write must still be committed, and two store instances over one database (two replicas)
 * must agree on rotations, grace and revocations.
 */
@RequiresService(Service.POSTGRESQL)
class JdbcTokenStorePostgresNoAutoCommitIT extends TokenStoreContract {

    private HikariDataSource pool;

    private HikariDataSource pool() {
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(TestServices.postgresUrl());
            config.setUsername(TestServices.postgresUser());
            config.setPassword(TestServices.postgresPassword());
            config.setAutoCommit(false);
            config.setMaximumPoolSize(8);
            pool = new HikariDataSource(config);
        }
        return pool;
    }

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    TokenStore store() {
        return new JdbcTokenStore(pool()).createTables();
    }
}
