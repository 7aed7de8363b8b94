package dev.bulwark.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link ThrottleStore} in this process's memory, bounded (a Caffeine cache of at most
 * {@link #DEFAULT_MAX_KEYS} keys by default, each forgotten a day after its last attempt). For one
 * instance; several instances need {@link JdbcThrottleStore}, or each would allow the limit.
 */
public final class InMemoryThrottleStore implements ThrottleStore {

    /** Default bound on the keys tracked. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private final Cache<String, Entry> entries;

    /** The mutable count of one key; guarded by its own monitor. */
    private static final class Entry {
        int count;
        Instant windowStart;
        Instant blockedUntil;
    }

    /** A store tracking at most {@link #DEFAULT_MAX_KEYS} keys. */
    public InMemoryThrottleStore() {
        this(DEFAULT_MAX_KEYS);
    }

    /**
     * A store tracking at most the given number of keys (the least recently used go first).
     *
     * @param maxKeys the bound, 1..10000000
     */
    public InMemoryThrottleStore(int maxKeys) {
        if (maxKeys < 1 || maxKeys > 10_000_000) {
            throw new IllegalArgumentException("maxKeys must be 1..10000000, got " + maxKeys);
        }
        this.entries = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofDays(1)).build();
    }

    @Override
    public Instant acquire(String key, Instant now, int limit, Duration window, Duration lockout) {
        Entry e = entries.get(key, k -> new Entry());
        synchronized (e) {
            if (e.blockedUntil != null && now.isBefore(e.blockedUntil)) {
                return e.blockedUntil;
            }
            if (e.windowStart == null || !now.isBefore(e.windowStart.plus(window)) || e.blockedUntil != null) {
                e.windowStart = now;
                e.count = 0;
                e.blockedUntil = null;
            }
            e.count++;
            if (e.count > limit) {
                e.blockedUntil = now.plus(lockout);
                return e.blockedUntil;
            }
            return null;
        }
    }

    @Override
    public void release(String key) {
        Entry e = entries.getIfPresent(key);
        if (e != null) {
            synchronized (e) {
                if (e.count > 0) {
                    e.count--;
                }
            }
        }
    }

    @Override
    public void reset(String key) {
        entries.invalidate(key);
    }
}
