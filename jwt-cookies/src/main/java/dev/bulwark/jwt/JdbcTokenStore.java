package dev.bulwark.jwt;

import dev.bulwark.core.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link TokenStore} in the service's database (PostgreSQL or H2), for services running several
 * instances: every instance sees every rotation and revocation.
 *
 * <p>Every write runs in a transaction of its own that this store commits, whatever the pool's
 * {@code autoCommit} setting (a connection handed out with {@code autoCommit=false} gets it back
 * so, after the commit). A rotation is one such transaction: a conditional {@code UPDATE} of the
 * family's row (current token → next), else a {@code SELECT ... FOR UPDATE} of that row to tell a
 * concurrent refresh within the reuse grace from a replay. The row lock makes two instances
 * presented the same refresh token at once behave as one: exactly one rotates, the other sees
 * its committed result.
 *
 * <p>Tables (created, or given the columns added since, by {@link #createTables()} when asked):
 * {@code bulwark_token_family(family_id, subject, current_token, previous_token, rotated_at,
 * revoked, expires_at, created_at, client_hint)} (indexed by subject, for session listing) and
 * {@code bulwark_revoked_token(jti, expires_at)}; times are epoch milliseconds. Ending a session
 * revokes its family row, so every instance refuses its tokens on their next request. Call
 * {@link #purgeExpired(Instant)} from time to time, with the time less the clock skew and the
 * reuse grace ({@link JwtCookieAuth} does it hourly from the login path).
 */
public final class JdbcTokenStore implements TokenStore {

    private final DataSource dataSource;

    /** One unit of work on a connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * A store over the given database.
     *
     * @param dataSource where the tables are
     */
    public JdbcTokenStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates the two tables if they do not exist, and adds the columns newer versions need to a
     * table an older version created.
     *
     * @return this
     * @throws TokenStoreException when the database refuses
     */
    public JdbcTokenStore createTables() {
        if (hasCurrentColumns()) {
            // The usual case at every start: nothing to change, no DDL lock taken on the family table.
            transaction("create the token tables", c -> {
                try (Statement st = c.createStatement()) {
                    st.execute(REVOKED_TABLE);
                }
                return null;
            });
            return this;
        }
        transaction("create or upgrade the token tables", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS bulwark_token_family (family_id VARCHAR(64) PRIMARY KEY, "
                        + "subject VARCHAR(255) NOT NULL, current_token VARCHAR(64) NOT NULL, previous_token VARCHAR(64), "
                        + "rotated_at BIGINT, revoked BOOLEAN NOT NULL, expires_at BIGINT NOT NULL, created_at BIGINT, "
                        + "client_hint VARCHAR(255))");
                // Columns added since the first version (a table an older version created lacks them).
                st.execute("ALTER TABLE bulwark_token_family ADD COLUMN IF NOT EXISTS previous_token VARCHAR(64)");
                st.execute("ALTER TABLE bulwark_token_family ADD COLUMN IF NOT EXISTS rotated_at BIGINT");
                st.execute("ALTER TABLE bulwark_token_family ADD COLUMN IF NOT EXISTS created_at BIGINT");
                st.execute("ALTER TABLE bulwark_token_family ADD COLUMN IF NOT EXISTS client_hint VARCHAR(255)");
                st.execute("CREATE INDEX IF NOT EXISTS bulwark_token_family_subject ON bulwark_token_family (subject)");
                st.execute(REVOKED_TABLE);
            }
            return null;
        });
        return this;
    }

    private static final String REVOKED_TABLE = "CREATE TABLE IF NOT EXISTS bulwark_revoked_token (jti VARCHAR(64) "
            + "PRIMARY KEY, expires_at BIGINT NOT NULL)";

    /** Whether the family table exists with every column this version uses. */
    private boolean hasCurrentColumns() {
        try {
            return read("inspect bulwark_token_family", c -> {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT previous_token, rotated_at, created_at, client_hint "
                                + "FROM bulwark_token_family WHERE 1 = 0")) {
                    return rs.getMetaData().getColumnCount() == 4;
                }
            });
        } catch (TokenStoreException e) {
            return false;
        }
    }

    @Override
    public void startFamily(String familyId, String subject, String tokenId, Instant createdAt, Instant expiresAt,
            String clientHint) {
        update("start a token family", "INSERT INTO bulwark_token_family (family_id, subject, current_token, revoked, "
                + "expires_at, created_at, client_hint) VALUES (?, ?, ?, FALSE, ?, ?, ?)", familyId, subject, tokenId,
                expiresAt.toEpochMilli(), createdAt.toEpochMilli(), clientHint);
    }

    @Override
    public List<StoredSession> sessions(String subject, Instant now) {
        return read("list sessions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT family_id, created_at, rotated_at, expires_at, client_hint "
                    + "FROM bulwark_token_family WHERE subject = ? AND revoked = FALSE AND expires_at > ? "
                    + "ORDER BY created_at, family_id")) {
                ps.setString(1, subject);
                ps.setLong(2, now.toEpochMilli());
                List<StoredSession> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant created = instant(rs, 2);
                        Instant rotated = instant(rs, 3);
                        out.add(new StoredSession(rs.getString(1), subject, created, rotated == null ? created : rotated,
                                Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5)));
                    }
                }
                return out;
            }
        });
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    @Override
    public boolean endSession(String subject, String familyId) {
        return update("end a session", "UPDATE bulwark_token_family SET revoked = TRUE WHERE family_id = ? AND subject = ? "
                + "AND revoked = FALSE", familyId, subject) == 1;
    }

    @Override
    public int endAllSessions(String subject) {
        return update("end every session of a subject", "UPDATE bulwark_token_family SET revoked = TRUE WHERE subject = ? "
                + "AND revoked = FALSE", subject);
    }

    @Override
    public RotationResult rotate(String familyId, String presentedId, String nextId, Instant now, Duration reuseGrace,
            Instant expiresAt) {
        Objects.requireNonNull(presentedId, "presentedId");
        return transaction("rotate a refresh token", c -> {
            // Compare-and-set: only the holder of the current token moves the family on. A concurrent
            // rotation holds the row lock; this UPDATE waits for it and then sees its result.
            try (PreparedStatement ps = c.prepareStatement("UPDATE bulwark_token_family SET previous_token = current_token, "
                    + "current_token = ?, rotated_at = ?, expires_at = ? WHERE family_id = ? AND current_token = ? "
                    + "AND revoked = FALSE")) {
                ps.setString(1, nextId);
                ps.setLong(2, now.toEpochMilli());
                ps.setLong(3, expiresAt.toEpochMilli());
                ps.setString(4, familyId);
                ps.setString(5, presentedId);
                if (ps.executeUpdate() == 1) {
                    return RotationResult.issuing(Rotation.ROTATED, nextId);
                }
            }
            String current;
            String previous;
            long rotatedAt;
            try (PreparedStatement ps = c.prepareStatement("SELECT current_token, previous_token, rotated_at, revoked "
                    + "FROM bulwark_token_family WHERE family_id = ? FOR UPDATE")) {
                ps.setString(1, familyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return RotationResult.refused(Rotation.UNKNOWN);
                    }
                    if (rs.getBoolean(4)) {
                        return RotationResult.refused(Rotation.REVOKED);
                    }
                    current = rs.getString(1);
                    previous = rs.getString(2);
                    rotatedAt = rs.getLong(3);
                    if (rs.wasNull()) {
                        previous = null;
                    }
                }
            }
            if (presentedId.equals(previous) && !reuseGrace.isZero()
                    && now.toEpochMilli() <= rotatedAt + reuseGrace.toMillis()) {
                return RotationResult.issuing(Rotation.WITHIN_GRACE, current);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE bulwark_token_family SET revoked = TRUE WHERE family_id = ?")) {
                ps.setString(1, familyId);
                ps.executeUpdate();
            }
            return RotationResult.refused(Rotation.REUSED);
        });
    }

    @Override
    public void revokeFamily(String familyId) {
        update("revoke a token family", "UPDATE bulwark_token_family SET revoked = TRUE WHERE family_id = ?", familyId);
    }

    @Override
    public void revokeToken(String tokenId, Instant expiresAt) {
        try {
            update("revoke a token", "INSERT INTO bulwark_revoked_token (jti, expires_at) VALUES (?, ?)", tokenId,
                    expiresAt.toEpochMilli());
        } catch (TokenStoreException e) {
            if (!(e.getCause() instanceof SQLException && isDuplicate((SQLException) e.getCause()))) {
                throw e;
            }
        }
    }

    private static boolean isDuplicate(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    @Override
    public boolean isRevoked(String tokenId, String familyId) {
        return read("check revocation", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT COUNT(*) FROM bulwark_revoked_token WHERE jti = ?)"
                    + " + (SELECT COUNT(*) FROM bulwark_token_family WHERE family_id = ? AND revoked = TRUE)")) {
                ps.setString(1, tokenId);
                ps.setString(2, familyId == null ? "" : familyId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getLong(1) > 0;
                }
            }
        });
    }

    @Override
    public int purgeExpired(Instant now) {
        return transaction("purge expired tokens", c -> execute(c, "DELETE FROM bulwark_token_family WHERE expires_at < ?",
                now.toEpochMilli()) + execute(c, "DELETE FROM bulwark_revoked_token WHERE expires_at < ?", now.toEpochMilli()));
    }

    private int update(String what, String sql, Object... args) {
        return transaction(what, c -> execute(c, sql, args));
    }

    private static int execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null) {
                    ps.setNull(i + 1, java.sql.Types.VARCHAR); // only text columns are optional
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            return ps.executeUpdate();
        }
    }

    /**
     * Runs one read; under {@code autoCommit=false} the read transaction it opened is ended, so
     * the next read on that connection sees what other instances committed since.
     */
    private <T> T read(String what, Work<T> work) {
        try {
            return Jdbc.read(dataSource, work::run);
        } catch (SQLException e) {
            throw new TokenStoreException("JdbcTokenStore: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** One transaction of its own at READ COMMITTED, committed whatever the pool's autoCommit (core's {@code Jdbc}). */
    private <T> T transaction(String what, Work<T> work) {
        try {
            return Jdbc.inTransaction(dataSource, work::run);
        } catch (SQLException e) {
            throw new TokenStoreException("JdbcTokenStore: cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
