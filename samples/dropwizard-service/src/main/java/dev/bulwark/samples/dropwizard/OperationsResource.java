package dev.bulwark.samples.dropwizard;

import com.codahale.metrics.health.HealthCheckRegistry;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolHealth;
import dev.bulwark.samples.support.ContractFailure;
import dev.bulwark.samples.support.ContractMetrics;
import dev.bulwark.samples.support.ContractViews;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/** Health, pool health, the Prometheus exposition and the page: unauthenticated. */
@Path("/")
public final class OperationsResource {

    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private final HealthCheckRegistry healthChecks;
    private final ConnectionPoolMonitor pool;
    private final ContractMetrics metrics;

    OperationsResource(HealthCheckRegistry healthChecks, ConnectionPoolMonitor pool, ContractMetrics metrics) {
        this.healthChecks = healthChecks;
        this.pool = pool;
        this.metrics = metrics;
    }

    /**
     * The Bulwark checks of the environment's registry, as the other samples report them; 503 when
     * a critical one fails (an old backup is reported, not critical). Dropwizard's own
     * {@code deadlocks} check stays on the admin port's {@code /healthcheck}.
     *
     * @return the health
     */
    @GET
    @Path("health")
    public Response health() {
        ContractViews.Answer answer = ContractViews.health(healthChecks);
        return new Answers().json(answer.status(), answer.body());
    }

    /**
     * The pool monitor's verdict; 503 when unhealthy.
     *
     * @return the pool's health
     */
    @GET
    @Path("health/db_pool")
    public Response poolHealth() {
        PoolHealth health = pool.check();
        return Response.status(health.status() == PoolHealth.Status.UNHEALTHY ? 503 : 200).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(health.toJson()).build();
    }

    /**
     * The Prometheus text exposition, named as in the JDK sample.
     *
     * @return the exposition
     * @throws IOException never, in practice
     */
    @GET
    @Path("metrics")
    public Response metrics() throws IOException {
        return Response.ok(metrics.scrape(), ContractMetrics.CONTENT_TYPE).build();
    }

    /**
     * The page, under a strict Content-Security-Policy.
     *
     * @return the page
     * @throws IOException when it cannot be read
     */
    @GET
    @Path("{page: (|index\\.html)}")
    public Response page() throws IOException {
        return resource("/static/index.html", "text/html; charset=utf-8");
    }

    /**
     * The page's script.
     *
     * @return the script
     * @throws IOException when it cannot be read
     */
    @GET
    @Path("app.js")
    public Response script() throws IOException {
        return resource("/static/app.js", "text/javascript; charset=utf-8");
    }

    private static Response resource(String name, String type) throws IOException {
        byte[] body;
        try (InputStream in = OperationsResource.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new ContractFailure(404, "not_found", "no such path: " + name);
            }
            body = in.readAllBytes();
        }
        return Response.ok(body, type).header("Content-Security-Policy", CSP).build();
    }
}
