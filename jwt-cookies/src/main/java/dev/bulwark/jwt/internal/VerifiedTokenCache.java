package dev.bulwark.jwt.internal;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounded cache of tokens whose signature and claims already verified, keyed by the token's
 * SHA-256 (the token itself is not kept). Entries are never trusted past their {@code exp}; the
 * caller still checks revocation on every request. When full, the cache is emptied (bounded
 * memory, no per-hit bookkeeping).
 *
 * @param <V> what is cached per token
 */
public final class VerifiedTokenCache<V> {

    private record Entry<V>(V value, Instant expiresAt) {
    }

    private final int capacity;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    /** @param capacity most entries kept; 0 disables the cache */
    public VerifiedTokenCache(int capacity) {
        this.capacity = capacity;
    }

    /**
     * @param key the token's hash
     * @param now the current time
     * @return the cached value if present and not expired, else null
     */
    public V get(String key, Instant now) {
        if (capacity == 0) {
            return null;
        }
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!now.isBefore(e.expiresAt())) {
            entries.remove(key, e);
            return null;
        }
        return e.value();
    }

    /**
     * @param key the token's hash
     * @param value what to cache
     * @param expiresAt when the token expires (no clock skew added)
     */
    public void put(String key, V value, Instant expiresAt) {
        if (capacity == 0) {
            return;
        }
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, expiresAt));
    }

    /** @return entries held */
    public int size() {
        return entries.size();
    }
}
