package dev.bulwark.samples.spring;

import java.util.Map;

/** {@code HTTP_READ_TIMEOUT_SECONDS}, 1..30 (default 30), as the JDK sample reads it. */
final class HttpReadTimeout {

    static final long MAX_SECONDS = 30;

    private HttpReadTimeout() {
    }

    static long seconds(Map<String, String> env) {
        String v = env.get("HTTP_READ_TIMEOUT_SECONDS");
        if (v == null || v.isBlank()) {
            return MAX_SECONDS;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 1 && n <= MAX_SECONDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("HTTP_READ_TIMEOUT_SECONDS must be a whole number from 1 to " + MAX_SECONDS
                + ", got '" + v + "'");
    }
}
