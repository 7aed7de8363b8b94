package dev.bulwark.jwt;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TokenStore} in this JVM's memory: for a single service instance. State is lost on
 * restart (users then log in again); several instances need {@link JdbcTokenStore}.
 */
public final class InMemoryTokenStore implements TokenStore {

    private record Family(String subject, String current, boolean revoked, Instant expiresAt) {
    }

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, Instant> revokedTokens = new ConcurrentHashMap<>();

    @Override
    public void startFamily(String familyId, String subject, String tokenId, Instant expiresAt) {
        Objects.requireNonNull(familyId, "familyId");
        families.put(familyId, new Family(subject, tokenId, false, expiresAt));
    }

    @Override
    public Rotation rotate(String familyId, String presentedId, String nextId, Instant expiresAt) {
        Rotation[] outcome = {Rotation.UNKNOWN};
        families.computeIfPresent(familyId, (id, family) -> {
            if (family.revoked()) {
                outcome[0] = Rotation.REVOKED;
                return family;
            }
            if (!family.current().equals(presentedId)) {
                outcome[0] = Rotation.REUSED;
                return new Family(family.subject(), family.current(), true, family.expiresAt());
            }
            outcome[0] = Rotation.ROTATED;
            return new Family(family.subject(), nextId, false, expiresAt);
        });
        return outcome[0];
    }

    @Override
    public void revokeFamily(String familyId) {
        families.computeIfPresent(familyId, (id, f) -> new Family(f.subject(), f.current(), true, f.expiresAt()));
    }

    @Override
    public void revokeToken(String tokenId, Instant expiresAt) {
        revokedTokens.put(tokenId, expiresAt);
    }

    @Override
    public boolean isRevoked(String tokenId, String familyId) {
        if (revokedTokens.containsKey(tokenId)) {
            return true;
        }
        Family family = familyId == null ? null : families.get(familyId);
        return family != null && family.revoked();
    }

    @Override
    public int purgeExpired(Instant now) {
        int before = families.size() + revokedTokens.size();
        families.values().removeIf(f -> f.expiresAt().isBefore(now));
        revokedTokens.values().removeIf(exp -> exp.isBefore(now));
        return before - families.size() - revokedTokens.size();
    }
}
