package dev.bulwark.jwt.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Instant;

/**
 * Bounded cache of tokens whose signature and claims already verified, keyed by the token's
 * SHA-256 (the token itself is not kept). A Caffeine cache bounded by size: when full it evicts
 * the entries least worth keeping one by one, never the whole cache. Entries are never trusted
 * past their expiry (checked against the caller's clock); the caller still checks revocation on
 * every request, so a cached token never outlives its revocation.
 *
 * @param <V> what is cached per token
 */
public final class VerifiedTokenCache<V> {

    private record Entry<V>(V value, Instant expiresAt) {
    }

    private final Cache<String, Entry<V>> entries;

    /**
     * Creates a cache holding at most {@code capacity} entries.
     *
     * @param capacity most entries kept; 0 disables the cache
     */
    public VerifiedTokenCache(int capacity) {
        // Eviction runs on the calling thread: no background work, and a size that tests can read.
        this.entries = capacity == 0 ? null
                : Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
    }

    /**
     * Looks a token up.
     *
     * @param key the token's hash
     * @param now the current time
     * @return the cached value if present and not expired, else null
     */
    public V get(String key, Instant now) {
        if (entries == null) {
            return null;
        }
        Entry<V> e = entries.getIfPresent(key);
        if (e == null) {
            return null;
        }
        if (!now.isBefore(e.expiresAt())) {
            entries.asMap().remove(key, e);
            return null;
        }
        return e.value();
    }

    /**
     * Caches a verified token.
     *
     * @param key the token's hash
     * @param value what to cache
     * @param expiresAt when the token expires (no clock skew added)
     */
    public void put(String key, V value, Instant expiresAt) {
        if (entries != null) {
            entries.put(key, new Entry<>(value, expiresAt));
        }
    }

    /**
     * Counts the entries held, after pending evictions.
     *
     * @return entries held
     */
    public int size() {
        if (entries == null) {
            return 0;
        }
        entries.cleanUp();
        return (int) entries.estimatedSize();
    }
}
