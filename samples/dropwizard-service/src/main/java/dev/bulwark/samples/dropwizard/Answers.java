package dev.bulwark.samples.dropwizard;

import dev.bulwark.jwt.AuthResponse;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.LoginOutcome;
import dev.bulwark.jwt.LoginRefusal;
import dev.bulwark.jwt.Refusal;
import dev.bulwark.samples.support.ContractFailure;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JAX-RS answers in the contract's shape, and the jwt-cookies response view as a list of headers
 * (cookies) that a {@link Response} then carries: Jersey builds the response, not the servlet.
 */
final class Answers implements AuthResponse {

    private final List<Map.Entry<String, String>> headers = new ArrayList<>();

    @Override
    public void addHeader(String name, String value) {
        headers.add(Map.entry(name, value));
    }

    /** A JSON answer carrying the headers collected so far. */
    Response json(int status, Object body) {
        return with(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)).build();
    }

    /** An empty answer (204) carrying the headers collected so far. */
    Response noContent() {
        return with(Response.noContent()).build();
    }

    /** A refusal of jwt-cookies: its status, headers ({@code WWW-Authenticate}) and JSON, with the headers collected so far. */
    Response refuse(Refusal refusal) {
        JwtCookieAuth.writeHeaders(refusal, this);
        return with(Response.status(refusal.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(refusal.json())).build();
    }

    /** A login refusal of the guard, before the credentials were checked. */
    static Response refuse(LoginRefusal refusal) {
        return Response.status(refusal.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(refusal.json()).build();
    }

    /** A login attempt that did not succeed: {@code Retry-After} when throttled or busy. */
    static Response refuse(LoginOutcome outcome) {
        Answers answers = new Answers();
        outcome.writeHeaders(answers);
        return answers.with(Response.status(outcome.refusal().status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(outcome.refusal().json())).build();
    }

    /** The contract's JSON error. */
    static Response error(ContractFailure failure) {
        Response.ResponseBuilder b = Response.status(failure.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(failure.body());
        if (failure.retryAfterSeconds() > 0) {
            b.header("Retry-After", Long.toString(failure.retryAfterSeconds()));
        }
        return b.build();
    }

    private Response.ResponseBuilder with(Response.ResponseBuilder builder) {
        for (Map.Entry<String, String> h : headers) {
            builder.header(h.getKey(), h.getValue());
        }
        return builder;
    }
}
