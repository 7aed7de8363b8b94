package dev.bulwark.jwt;

/**
 * The token store cannot answer (its database or server is unreachable, or refused a write). Any
 * {@link TokenStore} implementation throws it for such failures; the adapters then fail closed
 * with 503 {@code auth_unavailable} rather than treating the request as authenticated or not.
 */
public class TokenStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A store failure with a message naming the store and what it could not do.
     *
     * @param message what failed, e.g. "RedisTokenStore: cannot rotate: connection refused"
     */
    public TokenStoreException(String message) {
        super(message);
    }

    /**
     * A store failure with its cause.
     *
     * @param message what failed
     * @param cause the underlying failure (an {@code SQLException}, a client exception...)
     */
    public TokenStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
