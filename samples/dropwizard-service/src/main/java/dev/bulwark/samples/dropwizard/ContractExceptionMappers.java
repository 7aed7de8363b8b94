package dev.bulwark.samples.dropwizard;

import dev.bulwark.samples.support.ContractFailure;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error of the Jersey resources as the contract's JSON {@code {"error","message"}}, never a
 * stack trace: the handlers' {@link ContractFailure}s, Jersey's own refusals (404, 405, 415...),
 * a body cut by the read timeout (408), and bugs (500, logged here). Errors Jetty answers before
 * Jersey (a malformed request line) get the same shape from {@link JsonErrorHandler}. Dropwizard's default mappers are off
 * ({@code server.registerDefaultExceptionMappers: false}).
 */
final class ContractExceptionMappers {

    private static final Logger LOG = LoggerFactory.getLogger(ContractExceptionMappers.class);

    private ContractExceptionMappers() {
    }

    /** The handlers' contract errors. */
    static final class Failures implements ExceptionMapper<ContractFailure> {
        @Override
        public Response toResponse(ContractFailure failure) {
            return Answers.error(failure);
        }
    }

    /** Jersey's refusals and everything else. */
    static final class Everything implements ExceptionMapper<Throwable> {

        @Context
        private UriInfo uri;

        @Override
        public Response toResponse(Throwable e) {
            if (e instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
                Response original = w.getResponse();
                int status = original.getStatus();
                String path = uri == null ? "this path" : "/" + uri.getPath();
                ContractFailure failure = switch (status) {
                    case 404 -> new ContractFailure(404, "not_found", "no such path: " + path);
                    case 405 -> new ContractFailure(405, "method_not_allowed", "use " + String.join(" or ",
                            original.getAllowedMethods()) + " for " + path);
                    case 415 -> new ContractFailure(415, "unsupported_media_type", "send application/json");
                    case 406 -> new ContractFailure(406, "not_acceptable", "this path answers application/json");
                    default -> new ContractFailure(status, "bad_request", "the request was refused");
                };
                Response.ResponseBuilder b = Response.fromResponse(Answers.error(failure));
                String allow = original.getHeaderString(HttpHeaders.ALLOW);
                if (allow != null) {
                    b.header(HttpHeaders.ALLOW, allow);
                }
                return b.build();
            }
            if (e instanceof IOException) {
                // the request body did not arrive (Jetty's idle timeout, HTTP_READ_TIMEOUT_SECONDS,
                // or the client went away): the client's failure, not a server error
                LOG.debug("Request body of {} not read: {}", uri == null ? "?" : "/" + uri.getPath(), e.toString());
                return Answers.error(new ContractFailure(408, "request_timeout", "the request did not arrive in time"));
            }
            LOG.error("Request to {} failed", uri == null ? "?" : "/" + uri.getPath(), e);
            return Answers.error(new ContractFailure(500, "internal", "internal error"));
        }
    }
}
