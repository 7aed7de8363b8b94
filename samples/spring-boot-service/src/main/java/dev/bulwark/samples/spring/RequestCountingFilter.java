package dev.bulwark.samples.spring;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.bulwark.samples.support.SampleModules;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/** Counts requests and server errors (the error-rate alert reads them) and sets the security headers. */
final class RequestCountingFilter extends OncePerRequestFilter {

    private final Meter requests;
    private final Meter serverErrors;

    RequestCountingFilter(MetricRegistry metrics) {
        this.requests = metrics.meter(SampleModules.REQUESTS);
        this.serverErrors = metrics.meter(SampleModules.SERVER_ERRORS);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-store");
        requests.mark();
        try {
            chain.doFilter(request, response);
        } finally {
            if (response.getStatus() >= 500) {
                serverErrors.mark();
            }
        }
    }
}
