package dev.bulwark.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A token store that remembers whether its most recent call failed, for the authenticator's
 * health check: a store that cannot be reached refuses every request (fail closed), and the
 * health check says so, without a query of its own.
 */
final class ObservedTokenStore implements TokenStore {

    private final TokenStore delegate;
    /** The most recent failure's message, or null when the most recent call succeeded (or none was made). */
    private volatile String lastFailure;
    private volatile Instant lastFailureAt;

    ObservedTokenStore(TokenStore delegate) {
        this.delegate = delegate;
    }

    String lastFailure() {
        return lastFailure;
    }

    Instant lastFailureAt() {
        return lastFailureAt;
    }

    private <T> T observe(Supplier<T> call) {
        try {
            T result = call.get();
            lastFailure = null;
            return result;
        } catch (RuntimeException e) {
            lastFailureAt = Instant.now();
            lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
            throw e;
        }
    }

    private void observe(Runnable call) {
        observe(() -> {
            call.run();
            return null;
        });
    }

    @Override
    public void startFamily(String familyId, String subject, String tokenId, Instant createdAt, Instant expiresAt,
            String clientHint) {
        observe(() -> delegate.startFamily(familyId, subject, tokenId, createdAt, expiresAt, clientHint));
    }

    @Override
    public RotationResult rotate(String familyId, String presentedId, String nextId, Instant now, Duration reuseGrace,
            Instant expiresAt) {
        return observe(() -> delegate.rotate(familyId, presentedId, nextId, now, reuseGrace, expiresAt));
    }

    @Override
    public void revokeFamily(String familyId) {
        observe(() -> delegate.revokeFamily(familyId));
    }

    @Override
    public List<StoredSession> sessions(String subject, Instant now) {
        return observe(() -> delegate.sessions(subject, now));
    }

    @Override
    public boolean endSession(String subject, String familyId) {
        return observe(() -> delegate.endSession(subject, familyId));
    }

    @Override
    public int endAllSessions(String subject) {
        return observe(() -> delegate.endAllSessions(subject));
    }

    @Override
    public void revokeToken(String tokenId, Instant expiresAt) {
        observe(() -> delegate.revokeToken(tokenId, expiresAt));
    }

    @Override
    public boolean isRevoked(String tokenId, String familyId) {
        return observe(() -> delegate.isRevoked(tokenId, familyId));
    }

    @Override
    public int purgeExpired(Instant now) {
        return observe(() -> delegate.purgeExpired(now));
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
