package dev.bulwark.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TokenStore} in this JVM's memory: for a single service instance. State is lost on
 * restart (users then log in again); several instances need {@link JdbcTokenStore}.
 */
public final class InMemoryTokenStore implements TokenStore {

    /** Creates an empty store. */
    public InMemoryTokenStore() {
        // state is built lazily per family
    }

    /** A family: its current refresh token, the one spent before it and when, revocation, expiry. */
    private record Family(String subject, String current, String previous, Instant rotatedAt, boolean revoked,
            Instant expiresAt, Instant createdAt, String clientHint) {
        Family revoke() {
            return new Family(subject, current, previous, rotatedAt, true, expiresAt, createdAt, clientHint);
        }

        Instant lastUsedAt() {
            return rotatedAt == null ? createdAt : rotatedAt;
        }
    }

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, Instant> revokedTokens = new ConcurrentHashMap<>();

    @Override
    public void startFamily(String familyId, String subject, String tokenId, Instant createdAt, Instant expiresAt,
            String clientHint) {
        Objects.requireNonNull(familyId, "familyId");
        families.put(familyId, new Family(subject, tokenId, null, null, false, expiresAt, createdAt, clientHint));
    }

    @Override
    public List<StoredSession> sessions(String subject, Instant now) {
        List<StoredSession> out = new ArrayList<>();
        families.forEach((id, f) -> {
            if (f.subject().equals(subject) && !f.revoked() && f.expiresAt().isAfter(now)) {
                out.add(new StoredSession(id, f.subject(), f.createdAt(), f.lastUsedAt(), f.expiresAt(), f.clientHint()));
            }
        });
        out.sort(Comparator.comparing(StoredSession::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(StoredSession::familyId));
        return out;
    }

    @Override
    public boolean endSession(String subject, String familyId) {
        boolean[] ended = {false};
        families.computeIfPresent(familyId, (id, f) -> {
            if (!f.subject().equals(subject) || f.revoked()) {
                return f;
            }
            ended[0] = true;
            return f.revoke();
        });
        return ended[0];
    }

    @Override
    public int endAllSessions(String subject) {
        int ended = 0;
        for (String id : List.copyOf(families.keySet())) {
            if (endSession(subject, id)) {
                ended++;
            }
        }
        return ended;
    }

    @Override
    public RotationResult rotate(String familyId, String presentedId, String nextId, Instant now, Duration reuseGrace,
            Instant expiresAt) {
        Objects.requireNonNull(presentedId, "presentedId");
        Objects.requireNonNull(nextId, "nextId");
        RotationResult[] outcome = {RotationResult.refused(Rotation.UNKNOWN)};
        // computeIfPresent runs atomically per family: the check and the change cannot interleave.
        families.computeIfPresent(familyId, (id, family) -> {
            if (family.revoked()) {
                outcome[0] = RotationResult.refused(Rotation.REVOKED);
                return family;
            }
            if (family.current().equals(presentedId)) {
                outcome[0] = RotationResult.issuing(Rotation.ROTATED, nextId);
                return new Family(family.subject(), nextId, presentedId, now, false, expiresAt, family.createdAt(),
                        family.clientHint());
            }
            if (presentedId.equals(family.previous()) && !reuseGrace.isZero()
                    && !now.isAfter(family.rotatedAt().plus(reuseGrace))) {
                outcome[0] = RotationResult.issuing(Rotation.WITHIN_GRACE, family.current());
                return family;
            }
            outcome[0] = RotationResult.refused(Rotation.REUSED);
            return family.revoke();
        });
        return outcome[0];
    }

    @Override
    public void revokeFamily(String familyId) {
        families.computeIfPresent(familyId, (id, f) -> f.revoke());
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
