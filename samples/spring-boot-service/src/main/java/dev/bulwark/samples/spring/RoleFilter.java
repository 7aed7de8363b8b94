package dev.bulwark.samples.spring;

import dev.bulwark.jwt.Authentication;
import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires a role of the caller that {@link JwtAuthServletFilter} authenticated (it runs after it):
 * 403 {@code forbidden} without it, as the JDK adapter's {@code JdkHttpAuth.filter(auth, role)}.
 */
final class RoleFilter extends OncePerRequestFilter {

    private final String role;

    RoleFilter(String role) {
        this.role = role;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object caller = request.getAttribute(JwtAuthServletFilter.ATTRIBUTE);
        if (!(caller instanceof Authentication) || !((Authentication) caller).hasRole(role)) {
            byte[] body = ("{\"error\":\"forbidden\",\"message\":\"role '" + role + "' required\"}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(403);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return;
        }
        chain.doFilter(request, response);
    }
}
