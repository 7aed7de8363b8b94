package dev.bulwark.jwt;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Where a browser says a request comes from: Fetch Metadata and {@code Origin} / {@code Referer}. Not API. */
final class RequestOrigin {

    private RequestOrigin() {
    }

    /** Whether the browser marked the request {@code Sec-Fetch-Site: cross-site} (another site sent it). */
    static boolean crossSite(AuthRequest request) {
        return request.header("Sec-Fetch-Site").map(v -> v.trim().toLowerCase(Locale.ROOT)).filter("cross-site"::equals)
                .isPresent();
    }

    /**
     * The request's origin: {@code Origin}, or only when that header is absent the origin of
     * {@code Referer}; {@code Origin: null} stays {@code "null"} (refused by every allow-list).
     */
    static Optional<String> origin(AuthRequest request) {
        Optional<String> origin = request.header("Origin");
        if (origin.isPresent()) {
            return origin;
        }
        return request.header("Referer").map(r -> {
            String o = originOf(r);
            return o == null ? "null" : o;
        });
    }

    /** Whether an origin is on the allow-list, compared in normalised form. */
    static boolean allowed(String origin, Set<String> allowedOrigins) {
        return origin != null && allowedOrigins.contains(normalised(origin));
    }

    private static String normalised(String origin) {
        try {
            return JwtSettings.Builder.normaliseOrigin(origin);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String originOf(String referer) {
        try {
            URI uri = URI.create(referer.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
