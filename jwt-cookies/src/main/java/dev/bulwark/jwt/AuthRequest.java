package dev.bulwark.jwt;

import java.util.Optional;

/**
 * What {@link JwtCookieAuth} reads from an HTTP request. Adapting a framework takes a few lines;
 * the JDK {@code HttpServer} and Jakarta Servlet adapters are built in.
 */
public interface AuthRequest {
    /** The HTTP method, upper case ({@code GET}, {@code POST}...). */
    String method();

    /**
     * The first value of a header.
     *
     * @param name header name, case-insensitive
     * @return the value, empty when absent
     */
    Optional<String> header(String name);

    /**
     * The value of a cookie (the first one when the name is repeated).
     *
     * @param name exact cookie name
     * @return the value, empty when absent
     */
    Optional<String> cookie(String name);
}
