package dev.bulwark.jwt;

/** Where {@link JwtCookieAuth} writes response headers ({@code Set-Cookie}, {@code WWW-Authenticate}). */
public interface AuthResponse {
    /**
     * Adds a header value (several {@code Set-Cookie} values are added one by one).
     *
     * @param name header name
     * @param value header value
     */
    void addHeader(String name, String value);
}
