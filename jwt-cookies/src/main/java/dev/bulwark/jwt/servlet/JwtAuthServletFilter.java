package dev.bulwark.jwt.servlet;

import dev.bulwark.jwt.AuthRequest;
import dev.bulwark.jwt.AuthResponse;
import dev.bulwark.jwt.AuthResult;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginOutcome;
import dev.bulwark.jwt.LoginRefusal;
import dev.bulwark.jwt.Refusal;
import dev.bulwark.jwt.TokenStoreException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Jakarta Servlet adapter (servlet API is an optional, provided dependency): a filter that lets
 * only authenticated requests through (optionally only callers with a role: 403 {@code forbidden}
 * without it), and the request / response views for login, refresh and logout servlets.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new JwtAuthServletFilter(auth)), "/api/*", EnumSet.of(DispatcherType.REQUEST));
 * context.addFilter(new FilterHolder(new JwtAuthServletFilter(auth, "admin")), "/admin/*", EnumSet.of(DispatcherType.REQUEST));   // 403 forbidden without the role
 * // login servlet:   auth.login(user, roles, JwtAuthServletFilter.response(res));
 * // refresh servlet: auth.refresh(JwtAuthServletFilter.request(req), JwtAuthServletFilter.response(res));
 * // logout servlet:  auth.logout(JwtAuthServletFilter.request(req), JwtAuthServletFilter.response(res));
 * // in handlers:     (Authentication) req.getAttribute(JwtAuthServletFilter.ATTRIBUTE)
 * }</pre>
 */
public final class JwtAuthServletFilter implements Filter {

    /** Request attribute holding the {@link dev.bulwark.jwt.Authentication}. */
    public static final String ATTRIBUTE = "dev.bulwark.jwt.authentication";

    private final JwtCookieAuth auth;
    private final String role;

    /**
     * A filter that authenticates every request with the given authenticator.
     *
     * @param auth the authenticator
     */
    public JwtAuthServletFilter(JwtCookieAuth auth) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.role = null;
    }

    /**
     * A filter that authenticates every request and lets through only callers with a role; an
     * authenticated caller without it gets 403 {@code {"error":"forbidden"}}, as
     * {@code JdkHttpAuth.filter(auth, role)} answers.
     *
     * <pre>{@code
     * context.addFilter(new FilterHolder(new JwtAuthServletFilter(auth, "ops")), "/ops/*", EnumSet.of(DispatcherType.REQUEST));
     * }</pre>
     *
     * @param auth the authenticator
     * @param role the role every caller must have, e.g. {@code admin}
     * @throws IllegalArgumentException when the role is blank
     */
    public JwtAuthServletFilter(JwtCookieAuth auth, String role) {
        this.auth = Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(role, "role");
        if (role.isBlank()) {
            throw new IllegalArgumentException("role must not be blank: name the role callers need, e.g. \"admin\"");
        }
        this.role = role;
    }

    /**
     * The role this filter requires.
     *
     * @return the role, or empty when any authenticated caller passes
     */
    public Optional<String> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        AuthResult result;
        try {
            result = auth.authenticate(request(request));
        } catch (TokenStoreException e) {
            send(response, 503, "{\"error\":\"auth_unavailable\",\"message\":\"token store unavailable\"}");
            return;
        }
        if (!result.authenticated()) {
            refuse(response, result.refusal());
            return;
        }
        if (role != null && !result.authentication().hasRole(role)) {
            send(response, 403, "{\"error\":\"forbidden\",\"message\":\"role '" + role + "' required\"}");
            return;
        }
        request.setAttribute(ATTRIBUTE, result.authentication());
        chain.doFilter(request, response);
    }

    /**
     * A view of a servlet request.
     *
     * @param request the request
     * @return the view
     */
    public static AuthRequest request(HttpServletRequest request) {
        return new AuthRequest() {
            @Override
            public String method() {
                return request.getMethod();
            }

            @Override
            public Optional<String> header(String name) {
                return Optional.ofNullable(request.getHeader(name));
            }

            @Override
            public Optional<String> cookie(String name) {
                Cookie[] cookies = request.getCookies();
                if (cookies != null) {
                    for (Cookie c : cookies) {
                        if (c.getName().equals(name)) {
                            return Optional.ofNullable(c.getValue());
                        }
                    }
                }
                return Optional.empty();
            }
        };
    }

    /**
     * A view of a servlet response's headers.
     *
     * @param response the response
     * @return the view
     */
    public static AuthResponse response(HttpServletResponse response) {
        return response::addHeader;
    }

    /**
     * Answers a refusal: status, {@code WWW-Authenticate} for 401s, JSON body.
     *
     * @param response the response
     * @param refusal why
     * @throws IOException when the client went away
     */
    public static void refuse(HttpServletResponse response, Refusal refusal) throws IOException {
        JwtCookieAuth.writeHeaders(refusal, response(response));
        send(response, refusal.status(), refusal.json());
    }

    /**
     * The client's address for {@link dev.bulwark.jwt.LoginGuard#attempt}: {@code getRemoteAddr()}
     * (behind a reverse proxy, configure the container to report the proxy's forwarded address).
     *
     * @param request the request
     * @return the client's IP address
     */
    public static String clientAddress(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        return address == null ? "unknown" : address;
    }

    /**
     * Answers a login refusal of {@link dev.bulwark.jwt.LoginGuard#checkRequest}: status and JSON body.
     *
     * @param response the response
     * @param refusal why
     * @throws IOException when the client went away
     */
    public static void refuse(HttpServletResponse response, LoginRefusal refusal) throws IOException {
        send(response, refusal.status(), refusal.json());
    }

    /**
     * Answers a login attempt that did not succeed: status, {@code Retry-After} when throttled,
     * JSON body.
     *
     * @param response the response
     * @param outcome the guard's outcome (not succeeded)
     * @throws IOException when the client went away
     */
    public static void refuse(HttpServletResponse response, LoginOutcome outcome) throws IOException {
        if (outcome.succeeded()) {
            throw new IllegalArgumentException("the login succeeded: nothing to refuse");
        }
        outcome.writeHeaders(response(response));
        refuse(response, outcome.refusal());
    }

    private static void send(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
