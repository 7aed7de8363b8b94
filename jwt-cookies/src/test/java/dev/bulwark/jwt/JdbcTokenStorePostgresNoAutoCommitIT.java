package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    @Test
    void aRevocationThroughTheNoAutoCommitPoolIsSeenByAnIndependentConnectionAtOnce() throws Exception {
        String family = "fam-" + UUID.randomUUID();
        Instant now = Instant.now();
        TokenStore store = store();
        try (Connection c = pool().getConnection()) {
            assertThat(c.getAutoCommit()).as("the premise: the pool hands out autoCommit=false connections").isFalse();
        }

        store.startFamily(family, "alice", "r1", now, now.plusSeconds(600), null);
        store.revokeFamily(family);

        try (Connection other = DriverManager.getConnection(TestServices.postgresUrl(), TestServices.postgresUser(),
                TestServices.postgresPassword()); Statement st = other.createStatement();
                ResultSet rs = st.executeQuery("SELECT revoked FROM bulwark_token_family WHERE family_id = '" + family + "'")) {
            assertThat(rs.next()).as("the family row was committed").isTrue();
            assertThat(rs.getBoolean(1)).as("the revocation was committed").isTrue();
        }
    }
}
