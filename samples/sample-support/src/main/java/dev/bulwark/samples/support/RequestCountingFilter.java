package dev.bulwark.samples.support;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The servlet samples' first filter (Spring Boot's Tomcat, Dropwizard's Jetty): counts requests and
 * server errors in {@link SampleModules#REQUESTS} and {@link SampleModules#SERVER_ERRORS} (the
 * error-rate alert reads them) and sets the security headers. Register it for the REQUEST dispatch.
 */
public final class RequestCountingFilter implements Filter {

    private final Meter requests;
    private final Meter serverErrors;

    /**
     * A filter counting into the given registry.
     *
     * @param metrics where the two meters are
     */
    public RequestCountingFilter(MetricRegistry metrics) {
        this.requests = metrics.meter(SampleModules.REQUESTS);
        this.serverErrors = metrics.meter(SampleModules.SERVER_ERRORS);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletResponse response = (HttpServletResponse) res;
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
