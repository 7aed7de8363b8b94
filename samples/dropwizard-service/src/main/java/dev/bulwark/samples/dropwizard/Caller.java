package dev.bulwark.samples.dropwizard;

import dev.bulwark.jwt.Authentication;
import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * The caller {@link JwtAuthServletFilter} authenticated on Jetty, as Jersey's
 * {@link SecurityContext} principal (so resources take {@code @Context SecurityContext}).
 *
 * @param authentication the Bulwark authentication
 */
record Caller(Authentication authentication) implements Principal {

    @Override
    public String getName() {
        return authentication.subject();
    }

    /**
     * The caller of a resource method behind the authentication filter.
     *
     * @param security the request's security context
     * @return the caller
     * @throws IllegalStateException when the filter is not mapped to the path (a wiring bug: 500)
     */
    static Authentication of(SecurityContext security) {
        if (!(security.getUserPrincipal() instanceof Caller caller)) {
            throw new IllegalStateException("no caller: the authentication filter is not mapped to this path");
        }
        return caller.authentication();
    }

    /** Sets the security context from the servlet filter's request attribute. */
    @Priority(Priorities.AUTHENTICATION)
    static final class Filter implements ContainerRequestFilter {

        @Context
        private HttpServletRequest servletRequest;

        @Override
        public void filter(ContainerRequestContext request) {
            Object attribute = servletRequest.getAttribute(JwtAuthServletFilter.ATTRIBUTE);
            if (!(attribute instanceof Authentication authentication)) {
                return;
            }
            Caller caller = new Caller(authentication);
            boolean secure = request.getSecurityContext().isSecure();
            request.setSecurityContext(new SecurityContext() {
                @Override
                public Principal getUserPrincipal() {
                    return caller;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return authentication.hasRole(role);
                }

                @Override
                public boolean isSecure() {
                    return secure;
                }

                @Override
                public String getAuthenticationScheme() {
                    return "Bulwark-JWT";
                }
            });
        }
    }
}
