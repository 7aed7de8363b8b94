package dev.bulwark.samples.dropwizard;

import jakarta.annotation.Priority;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code @RolesAllowed} on a resource class or method: 403 {@code forbidden} naming the role, as
 * the JDK adapter's {@code JdkHttpAuth.filter(auth, role)} answers (Jersey's own
 * {@code RolesAllowedDynamicFeature} answers a bare 403 without the contract's body).
 */
final class RoleCheck implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        RolesAllowed roles = resource.getResourceMethod().getAnnotation(RolesAllowed.class);
        if (roles == null) {
            roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        if (roles != null) {
            context.register(new Required(roles.value()));
        }
    }

    @Priority(Priorities.AUTHORIZATION)
    private static final class Required implements ContainerRequestFilter {

        private final String[] roles;

        Required(String[] roles) {
            this.roles = roles.clone();
        }

        @Override
        public void filter(ContainerRequestContext request) {
            for (String role : roles) {
                if (request.getSecurityContext().isUserInRole(role)) {
                    return;
                }
            }
            request.abortWith(Response.status(403).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "forbidden", "message", "role '" + String.join("' or '", roles) + "' required"))
                    .build());
        }
    }
}
