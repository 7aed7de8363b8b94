package dev.bulwark.jwt.internal;

import java.util.Optional;

/** {@code Set-Cookie} values and {@code Cookie} header parsing. */
public final class Cookies {
    private Cookies() {
    }

    /**
     * A {@code Set-Cookie} value.
     *
     * @param name cookie name
     * @param value cookie value (token-safe characters only)
     * @param maxAgeSeconds Max-Age; 0 deletes
     * @param path Path
     * @param httpOnly whether page script is kept from reading it
     * @param secure whether to add Secure
     * @return the header value
     */
    public static String setCookie(String name, String value, long maxAgeSeconds, String path, boolean httpOnly,
            boolean secure) {
        StringBuilder b = new StringBuilder(name).append('=').append(value)
                .append("; Max-Age=").append(maxAgeSeconds)
                .append("; Path=").append(path);
        if (secure) {
            b.append("; Secure");
        }
        if (httpOnly) {
            b.append("; HttpOnly");
        }
        return b.append("; SameSite=Strict").toString();
    }

    /**
     * Finds a cookie in {@code Cookie} header values.
     *
     * @param headerValue the Cookie header (may be null)
     * @param name the cookie name
     * @return the first value for that name
     */
    public static Optional<String> find(String headerValue, String name) {
        if (headerValue == null) {
            return Optional.empty();
        }
        for (String part : headerValue.split(";")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
