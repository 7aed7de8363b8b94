package dev.bulwark.samples.dropwizard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.jwt.AuthRequest;
import dev.bulwark.jwt.AuthResult;
import dev.bulwark.jwt.Authentication;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.LoginOutcome;
import dev.bulwark.jwt.LoginRefusal;
import dev.bulwark.jwt.Refusal;
import dev.bulwark.jwt.TokenStoreException;
import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import dev.bulwark.samples.support.ContractFailure;
import dev.bulwark.samples.support.ContractViews;
import dev.bulwark.samples.support.JsonBody;
import dev.bulwark.samples.support.Users;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Login (through jwt-cookies' {@link LoginGuard}), refresh, logout and the caller's sessions. */
@Path("/auth")
public final class AuthResource {

    private static final Logger LOG = LoggerFactory.getLogger(AuthResource.class);
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final JwtCookieAuth auth;
    private final LoginGuard loginGuard;
    private final Users users;

    AuthResource(JwtCookieAuth auth, LoginGuard loginGuard, Users users) {
        this.auth = auth;
        this.loginGuard = loginGuard;
        this.users = users;
    }

    /**
     * Login: JSON only (415), no cross-site or foreign origin (403), throttled per user name and
     * client (429 + Retry-After, also for the right password), Argon2id hashes, an unknown user
     * name checked against a dummy hash so it takes as long as a known one.
     *
     * @param request the servlet request (headers, cookies, peer address)
     * @param body the body, read only once the guard let the request through
     * @return 200 with the cookies, or the refusal
     * @throws IOException when the client went away
     */
    @POST
    @Path("/login")
    public Response login(@Context HttpServletRequest request, InputStream body) throws IOException {
        AuthRequest view = JwtAuthServletFilter.request(request);
        Optional<LoginRefusal> refused = loginGuard.checkRequest(view);
        if (refused.isPresent()) {
            return Answers.refuse(refused.get());
        }
        JsonNode json = JsonBody.read(body);
        String username = JsonBody.text(json, "username", 200);
        String password = JsonBody.text(json, "password", 1000);
        LoginOutcome outcome;
        try {
            // Behind a reverse proxy listed in JWT_TRUSTED_PROXIES: the client from X-Forwarded-For.
            String client = loginGuard.clientAddress(view, JwtAuthServletFilter.clientAddress(request));
            outcome = loginGuard.attempt(username, client, () -> users.check(username, password));
        } catch (TokenStoreException e) {
            LOG.warn("Login unavailable: {}", e.getMessage());
            throw new ContractFailure(503, "auth_unavailable", "login is unavailable, try again later");
        }
        if (!outcome.succeeded()) {
            LOG.info("Login refused ({}) for a user name of {} characters", outcome.refusal().code(), username.length());
            return Answers.refuse(outcome);
        }
        List<String> roles = users.roles(username).orElseThrow();
        Answers answers = new Answers();
        auth.login(username, roles, view, answers);
        return answers.json(200, Map.of("subject", username, "roles", roles));
    }

    /**
     * Rotates the refresh token (CSRF-checked by jwt-cookies).
     *
     * @param request the servlet request
     * @return 200, or the refusal (reuse revokes the family)
     */
    @POST
    @Path("/refresh")
    public Response refresh(@Context HttpServletRequest request) {
        Answers answers = new Answers();
        AuthResult result = auth.refresh(JwtAuthServletFilter.request(request), answers);
        if (!result.authenticated()) {
            return answers.refuse(result.refusal());
        }
        return answers.json(200, Map.of("subject", result.authentication().subject(), "roles", result.authentication().roles()));
    }

    /**
     * Logout; {@code {"all": true}} also ends every other session of the user ("log out everywhere").
     *
     * @param request the servlet request
     * @param body the optional body
     * @return 204 (200 with the number of ended sessions for {@code all}), or the refusal
     * @throws IOException when the client went away
     */
    @POST
    @Path("/logout")
    public Response logout(@Context HttpServletRequest request, InputStream body) throws IOException {
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        boolean all = hasBody && JsonBody.read(body).path("all").asBoolean(false);
        AuthRequest view = JwtAuthServletFilter.request(request);
        AuthResult caller = all ? auth.authenticate(view) : null;
        Answers answers = new Answers();
        Optional<Refusal> refused = auth.logout(view, answers);
        if (refused.isPresent()) {
            return answers.refuse(refused.get());
        }
        if (caller != null) {
            if (!caller.authenticated()) {
                throw new ContractFailure(401, "unauthenticated", "this session is logged out; log in again to end the others");
            }
            return answers.json(200, Map.of("endedSessions", auth.endAllSessions(caller.authentication().subject())));
        }
        return answers.noContent();
    }

    /**
     * The caller's sessions, never token material.
     *
     * @param security the caller
     * @return 200
     */
    @GET
    @Path("/sessions")
    public Response sessions(@Context SecurityContext security) {
        Authentication caller = Caller.of(security);
        return new Answers().json(200, ContractViews.sessions(auth.sessions(caller)));
    }

    /**
     * Ends one of the caller's sessions, on every replica (CSRF-checked by the filter).
     *
     * @param id the session
     * @param security the caller
     * @return 204, 404 when it is not one of the caller's
     */
    @DELETE
    @Path("/sessions/{id}")
    public Response endSession(@PathParam("id") String id, @Context SecurityContext security) {
        if (!ID.matcher(id).matches() || !auth.endSession(Caller.of(security), id)) {
            throw new ContractFailure(404, "not_found", "no such session of yours");
        }
        return Response.noContent().build();
    }
}
