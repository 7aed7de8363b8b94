package dev.bulwark.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ThrottleStore} in this process's memory, bounded. Counts live in a Caffeine cache of at
 * most {@link #DEFAULT_MAX_KEYS} keys by default (each forgotten a day after its last attempt; a
 * flood of fresh keys may evict a count, which only restarts that key's window). Blocked keys are
 * kept apart and <b>never evicted</b> while their lockout lasts, so a flood of fresh keys cannot
 * erase a lockout; when as many keys as the bound are blocked at once, a further key that goes
 * over its limit makes {@link #acquire} throw {@link TokenStoreException} (fail closed: the
 * adapters answer 503) until lockouts end. For one instance; several instances need
 * {@link JdbcThrottleStore}, or each would allow the limit.
 */
public final class InMemoryThrottleStore implements ThrottleStore {

    /** Default bound on the keys counted, and separately on the keys blocked at once. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private final int maxKeys;
    private final Cache<String, Entry> entries;
    /** Blocked keys to the end of their block: never evicted, removed when the block has ended. */
    private final ConcurrentHashMap<String, Instant> blocked = new ConcurrentHashMap<>();

    /** The mutable count of one key; guarded by its own monitor. */
    private static final class Entry {
        int count;
        Instant windowStart;
    }

    /** A store tracking at most {@link #DEFAULT_MAX_KEYS} keys. */
    public InMemoryThrottleStore() {
        this(DEFAULT_MAX_KEYS);
    }

    /**
     * A store counting at most the given number of keys (the least recently used count goes
     * first) and blocking at most as many at once (never evicted; over it, fail closed).
     *
     * @param maxKeys the bound, 1..10000000
     */
    public InMemoryThrottleStore(int maxKeys) {
        if (maxKeys < 1 || maxKeys > 10_000_000) {
            throw new IllegalArgumentException("maxKeys must be 1..10000000, got " + maxKeys);
        }
        this.maxKeys = maxKeys;
        this.entries = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofDays(1)).build();
    }

    @Override
    public Instant acquire(String key, Instant now, int limit, Duration window, Duration lockout) {
        Instant until = blocked.get(key);
        if (until != null) {
            if (now.isBefore(until)) {
                return until;
            }
            blocked.remove(key, until);
            entries.invalidate(key); // the block has ended: a fresh window
        }
        Entry e = entries.get(key, k -> new Entry());
        synchronized (e) {
            until = blocked.get(key); // blocked meanwhile by a concurrent attempt
            if (until != null && now.isBefore(until)) {
                return until;
            }
            if (e.windowStart == null || !now.isBefore(e.windowStart.plus(window))) {
                e.windowStart = now;
                e.count = 0;
            }
            e.count++;
            if (e.count > limit) {
                until = now.plus(lockout);
                block(key, until, now);
                e.windowStart = null;
                e.count = 0;
                return until;
            }
            return null;
        }
    }

    private void block(String key, Instant until, Instant now) {
        if (blocked.size() >= maxKeys) {
            blocked.values().removeIf(u -> !now.isBefore(u));
            if (blocked.size() >= maxKeys) {
                throw new TokenStoreException("InMemoryThrottleStore: " + blocked.size() + " keys are blocked, the bound "
                        + "(maxKeys " + maxKeys + ") is reached; login attempts fail closed until lockouts end "
                        + "(raise maxKeys, or use JdbcThrottleStore)");
            }
        }
        blocked.put(key, until);
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

    /** Forgets blocks that have ended (counts expire by themselves, a day after their last attempt). */
    @Override
    public int purge(Instant now) {
        int before = blocked.size();
        blocked.values().removeIf(u -> !now.isBefore(u));
        return Math.max(0, before - blocked.size());
    }

    @Override
    public void reset(String key) {
        blocked.remove(key);
        entries.invalidate(key);
    }

    /** Not shared: its keys live in this process's memory only. */
    @Override
    public boolean shared() {
        return false;
    }
}
