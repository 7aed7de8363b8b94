package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The JDBC store on H2 (the embedded default), two store instances over one database. */
class JdbcTokenStoreH2Test extends TokenStoreContract {

    private final JdbcDataSource dataSource = new JdbcDataSource();

    JdbcTokenStoreH2Test() {
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new JdbcTokenStore(dataSource).createTables();
    }

    @Override
    TokenStore store() {
        return new JdbcTokenStore(dataSource);
    }

    @Test
    void createTablesIsIdempotent() {
        assertThat(new JdbcTokenStore(dataSource).createTables()).isNotNull();
    }

    @Test
    void failsClosedWithAClearErrorWhenTheDatabaseIsGone() {
        JdbcDataSource broken = new JdbcDataSource();
        broken.setURL("jdbc:h2:mem:nothing;IFEXISTS=TRUE");

        assertThatThrownBy(() -> new JdbcTokenStore(broken).isRevoked("a", "b"))
                .isInstanceOf(TokenStoreException.class)
                .hasMessageStartingWith("JdbcTokenStore: cannot check revocation");
    }
}
