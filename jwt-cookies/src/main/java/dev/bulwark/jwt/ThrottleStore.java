package dev.bulwark.jwt;

import java.time.Duration;
import java.time.Instant;

/**
 * Where {@link LoginGuard} counts login attempts per key (a hashed user name or client
 * address). Built in: {@link InMemoryThrottleStore} for one instance, {@link JdbcThrottleStore}
 * for several instances sharing one database. A store that cannot answer throws
 * {@link TokenStoreException} (the login then fails closed).
 */
public interface ThrottleStore {

    /**
     * Counts one attempt for the key, atomically (concurrent attempts on any instance sharing the
     * store are each counted): when the key is blocked the attempt is refused and not counted;
     * otherwise the count of its window (restarted when older than {@code window}) goes up by one,
     * and when it goes over {@code limit} the key is blocked for {@code lockout} and the attempt
     * refused.
     *
     * @param key the hashed key
     * @param now the time
     * @param limit attempts allowed within the window
     * @param window how long attempts are counted together
     * @param lockout how long a key over the limit stays blocked
     * @return null when the attempt may go ahead, else the end of the block
     */
    Instant acquire(String key, Instant now, int limit, Duration window, Duration lockout);

    /**
     * Takes back one attempt of the key (a successful login from a client address).
     *
     * @param key the hashed key
     */
    void release(String key);

    /**
     * Forgets the key's attempts (a successful login of a user).
     *
     * @param key the hashed key
     */
    void reset(String key);

    /**
     * Deletes the keys neither blocked nor counting attempts since a day before {@code now}.
     * {@link LoginGuard} calls it at most once per {@link LoginGuard#PURGE_INTERVAL}, from the
     * login path (a failure is logged, never fails a login). The default does nothing, for stores
     * that expire entries by themselves ({@link InMemoryThrottleStore}).
     *
     * @param now the time
     * @return keys deleted
     */
    default int purge(Instant now) {
        return 0;
    }

    /**
     * Whether the store keeps its keys outside this process (a database shared by replicas), where
     * someone reading it could reverse plain SHA-256 keys by enumerating addresses and names.
     * {@link LoginGuard} derives keys as HMAC-SHA256 under the secret of
     * {@link LoginGuardSettings#hasThrottleKeySecret()} when one is set, else as SHA-256, and warns
     * at creation when a shared store has no secret. The default is true, the safe answer for an
     * unknown store.
     *
     * @return true when several instances share the store
     */
    default boolean shared() {
        return true;
    }
}
