package dev.bulwark.samples.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.samples.support.ContractFailure;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error as the contract's JSON {@code {"error","message"}}, never a stack trace: handler
 * failures, Spring MVC's own refusals (404, 405, 415) and, as the container's error page
 * ({@code /error}, replacing Boot's), whatever went wrong before Spring MVC.
 */
@RestControllerAdvice
@RestController
class ContractErrors implements ErrorController {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ContractErrors.class);

    static ResponseEntity<byte[]> json(int status, Object body) {
        try {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static ResponseEntity<byte[]> error(int status, String code, String message) {
        return json(status, Map.of("error", code, "message", message));
    }

    @ExceptionHandler(ContractFailure.class)
    ResponseEntity<byte[]> failure(ContractFailure f) {
        ResponseEntity<byte[]> r = json(f.status(), f.body());
        if (f.retryAfterSeconds() > 0) {
            HttpHeaders headers = new HttpHeaders();
            headers.putAll(r.getHeaders());
            headers.set("Retry-After", Long.toString(f.retryAfterSeconds()));
            return new ResponseEntity<>(r.getBody(), headers, r.getStatusCode());
        }
        return r;
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    ResponseEntity<byte[]> notFound(HttpServletRequest request) {
        return error(404, "not_found", "no such path: " + request.getRequestURI());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<byte[]> wrongMethod(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        ResponseEntity<byte[]> r = error(405, "method_not_allowed", "use " + String.join(" or ",
                e.getSupportedMethods() == null ? new String[0] : e.getSupportedMethods()) + " for " + request.getRequestURI());
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(r.getHeaders());
        if (e.getSupportedMethods() != null) {
            headers.set("Allow", String.join(", ", e.getSupportedMethods()));
        }
        return new ResponseEntity<>(r.getBody(), headers, r.getStatusCode());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<byte[]> wrongMediaType() {
        return error(415, "unsupported_media_type", "send application/json");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> bug(Exception e, HttpServletRequest request) {
        LOG.error("Request {} {} failed", request.getMethod(), request.getRequestURI(), e);
        return error(500, "internal", "internal error");
    }

    /** The container's error page: status from the dispatch, no details (one mapping per method of the failed request). */
    @GetMapping("/error")
    ResponseEntity<byte[]> containerErrorOnGet(HttpServletRequest request) {
        return containerError(request);
    }

    @PostMapping("/error")
    ResponseEntity<byte[]> containerErrorOnPost(HttpServletRequest request) {
        return containerError(request);
    }

    @PutMapping("/error")
    ResponseEntity<byte[]> containerErrorOnPut(HttpServletRequest request) {
        return containerError(request);
    }

    @PatchMapping("/error")
    ResponseEntity<byte[]> containerErrorOnPatch(HttpServletRequest request) {
        return containerError(request);
    }

    @DeleteMapping("/error")
    ResponseEntity<byte[]> containerErrorOnDelete(HttpServletRequest request) {
        return containerError(request);
    }

    private static ResponseEntity<byte[]> containerError(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer ? (Integer) status : 500;
        return error(code, code == 404 ? "not_found" : code < 500 ? "bad_request" : "internal",
                code < 500 ? "the request was refused" : "internal error");
    }
}
