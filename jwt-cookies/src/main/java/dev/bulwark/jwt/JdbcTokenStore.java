package dev.bulwark.jwt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link TokenStore} in the service's database (PostgreSQL or H2), for services running several
 * instances: every instance sees every rotation and revocation. Rotation is one conditional
 * {@code UPDATE}, so two instances presented the same refresh token at once cannot both win.
 *
 * <p>Tables (created by {@link #createTables()} when asked):
 * {@code bulwark_token_family(family_id, subject, current_token, revoked, expires_at)} and
 * {@code bulwark_revoked_token(jti, expires_at)}; times are epoch milliseconds. Call
 * {@link #purgeExpired(Instant)} from time to time (the sample does it hourly).
 */
public final class JdbcTokenStore implements TokenStore {

    private final DataSource dataSource;

    /**
     * A store over the given database.
     *
     * @param dataSource where the tables are
     */
    public JdbcTokenStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates the two tables if they do not exist.
     *
     * @return this
     * @throws TokenStoreException when the database refuses
     */
    public JdbcTokenStore createTables() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bulwark_token_family (family_id VARCHAR(64) PRIMARY KEY, "
                    + "subject VARCHAR(255) NOT NULL, current_token VARCHAR(64) NOT NULL, revoked BOOLEAN NOT NULL, "
                    + "expires_at BIGINT NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS bulwark_revoked_token (jti VARCHAR(64) PRIMARY KEY, "
                    + "expires_at BIGINT NOT NULL)");
            return this;
        } catch (SQLException e) {
            throw new TokenStoreException("cannot create the token tables", e);
        }
    }

    @Override
    public void startFamily(String familyId, String subject, String tokenId, Instant expiresAt) {
        update("start a token family", "INSERT INTO bulwark_token_family (family_id, subject, current_token, revoked, "
                + "expires_at) VALUES (?, ?, ?, FALSE, ?)", familyId, subject, tokenId, expiresAt.toEpochMilli());
    }

    @Override
    public Rotation rotate(String familyId, String presentedId, String nextId, Instant expiresAt) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE bulwark_token_family SET current_token = ?, "
                    + "expires_at = ? WHERE family_id = ? AND current_token = ? AND revoked = FALSE")) {
                ps.setString(1, nextId);
                ps.setLong(2, expiresAt.toEpochMilli());
                ps.setString(3, familyId);
                ps.setString(4, presentedId);
                if (ps.executeUpdate() == 1) {
                    return Rotation.ROTATED;
                }
            }
            Boolean revoked = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT revoked FROM bulwark_token_family WHERE family_id = ?")) {
                ps.setString(1, familyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        revoked = rs.getBoolean(1);
                    }
                }
            }
            if (revoked == null) {
                return Rotation.UNKNOWN;
            }
            if (revoked) {
                return Rotation.REVOKED;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE bulwark_token_family SET revoked = TRUE WHERE family_id = ?")) {
                ps.setString(1, familyId);
                ps.executeUpdate();
            }
            return Rotation.REUSED;
        } catch (SQLException e) {
            throw new TokenStoreException("cannot rotate a refresh token", e);
        }
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
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT (SELECT COUNT(*) FROM bulwark_revoked_token WHERE jti = ?)"
                        + " + (SELECT COUNT(*) FROM bulwark_token_family WHERE family_id = ? AND revoked = TRUE)")) {
            ps.setString(1, tokenId);
            ps.setString(2, familyId == null ? "" : familyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new TokenStoreException("cannot check revocation", e);
        }
    }

    @Override
    public int purgeExpired(Instant now) {
        return update("purge expired tokens", "DELETE FROM bulwark_token_family WHERE expires_at < ?", now.toEpochMilli())
                + update("purge expired tokens", "DELETE FROM bulwark_revoked_token WHERE expires_at < ?", now.toEpochMilli());
    }

    private int update(String what, String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new TokenStoreException("cannot " + what, e);
        }
    }

    /** The database failed; the request should fail closed (the adapters answer 503). */
    public static final class TokenStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TokenStoreException(String message, SQLException cause) {
            super("JdbcTokenStore: " + message + ": " + cause.getMessage(), cause);
        }
    }
}
