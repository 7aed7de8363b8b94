package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC store on H2 behind a HikariCP pool set to {@code autoCommit=false}, as many services
 * configure it: every write must still be committed (a logged-out token refused everywhere).
 */
class JdbcTokenStoreH2NoAutoCommitTest extends TokenStoreContract {

    private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private final HikariDataSource pool = pool(url);

    JdbcTokenStoreH2NoAutoCommitTest() {
        new JdbcTokenStore(pool).createTables();
    }

    static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setAutoCommit(false);
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Override
    TokenStore store() {
        return new JdbcTokenStore(pool);
    }

    @Test
    void writesAreCommittedAndTheConnectionKeepsItsAutoCommitSetting() throws Exception {
        try (Connection raw = DriverManager.getConnection(url)) {
            raw.setAutoCommit(false);
            JdbcTokenStore store = new JdbcTokenStore(single(raw));

            store.startFamily("fam-1", "alice", "r1", NOW, NOW.plusSeconds(600), null);
            store.revokeFamily("fam-1");

            assertThat(raw.getAutoCommit()).isFalse();
            try (Connection other = DriverManager.getConnection(url); Statement st = other.createStatement();
                    ResultSet rs = st.executeQuery("SELECT revoked FROM bulwark_token_family WHERE family_id = 'fam-1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    void createTablesUpgradesATableAnOlderVersionCreated() throws Exception {
        String oldUrl = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(oldUrl); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE bulwark_token_family (family_id VARCHAR(64) PRIMARY KEY, subject VARCHAR(255) NOT NULL, "
                    + "current_token VARCHAR(64) NOT NULL, revoked BOOLEAN NOT NULL, expires_at BIGINT NOT NULL)");
            st.execute("INSERT INTO bulwark_token_family VALUES ('old-fam', 'alice', 'r1', FALSE, "
                    + NOW.plusSeconds(600).toEpochMilli() + ")");
        }
        try (HikariDataSource oldPool = pool(oldUrl)) {
            JdbcTokenStore store = new JdbcTokenStore(oldPool).createTables();

            assertThat(store.rotate("old-fam", "r1", "r2", NOW, GRACE, NOW.plusSeconds(900)).outcome())
                    .isEqualTo(TokenStore.Rotation.ROTATED);
            assertThat(store.rotate("old-fam", "r1", "x", NOW, GRACE, NOW.plusSeconds(900)).currentTokenId()).isEqualTo("r2");
            assertThat(new JdbcTokenStore(oldPool).createTables()).isNotNull();
        }
    }

    /** A data source handing out one connection whose close() does nothing, to watch its state. */
    private static DataSource single(Connection connection) {
        Connection unclosable = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if ("close".equals(method.getName())) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if ("getConnection".equals(method.getName())) {
                        return unclosable;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
