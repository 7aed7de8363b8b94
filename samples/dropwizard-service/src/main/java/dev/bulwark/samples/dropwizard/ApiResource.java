package dev.bulwark.samples.dropwizard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.jwt.Authentication;
import dev.bulwark.sandbox.SandboxRequest;
import dev.bulwark.samples.support.ContractFailure;
import dev.bulwark.samples.support.ContractViews;
import dev.bulwark.samples.support.JsonBody;
import dev.bulwark.samples.support.Notes;
import dev.bulwark.samples.support.SampleSandbox;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The authenticated API: who am I, notes (CSRF-checked by the filter), the sandbox. */
@Path("/")
public final class ApiResource {

    private static final Logger LOG = LoggerFactory.getLogger(ApiResource.class);

    private final Notes notes;
    private final SampleSandbox sandbox;

    ApiResource(Notes notes, SampleSandbox sandbox) {
        this.notes = notes;
        this.sandbox = sandbox;
    }

    /**
     * The caller.
     *
     * @param security the caller
     * @return 200 {@code {"subject","roles"}}
     */
    @GET
    @Path("api/me")
    public Response me(@Context SecurityContext security) {
        Authentication caller = Caller.of(security);
        return new Answers().json(200, Map.of("subject", caller.subject(), "roles", caller.roles()));
    }

    /**
     * Saves a note.
     *
     * @param security the caller
     * @param body {@code {"text"}}
     * @return 201 {@code {"id","text"}}
     * @throws IOException when the client went away
     */
    @POST
    @Path("api/notes")
    public Response addNote(@Context SecurityContext security, InputStream body) throws IOException {
        Authentication caller = Caller.of(security);
        String text = JsonBody.text(JsonBody.read(body), "text", 2000);
        try {
            return new Answers().json(201, Map.of("id", notes.add(caller.subject(), text), "text", text));
        } catch (SQLException e) {
            LOG.warn("Could not save a note: {}", e.getMessage());
            throw new ContractFailure(503, "database_unavailable", "the note could not be saved; try again");
        }
    }

    /**
     * Runs code in the sandbox: 503 with the reason when there is no Docker engine.
     *
     * @param security the caller
     * @param body {@code {"language":"python","code","stdin","files"}}
     * @return 200 with the result
     * @throws IOException when the client went away
     */
    @POST
    @Path("sandbox/run")
    public Response run(@Context SecurityContext security, InputStream body) throws IOException {
        Caller.of(security);
        sandbox.available();
        JsonNode json = JsonBody.read(body);
        SandboxRequest request = JsonBody.sandboxRequest(json);
        try {
            return new Answers().json(200, ContractViews.sandboxResult(sandbox.run(request)));
        } catch (ContractFailure f) {
            if (f.code().equals("sandbox_busy")) {
                return Response.fromResponse(Answers.error(f)).header("Retry-After", "1").type(MediaType.APPLICATION_JSON_TYPE)
                        .build();
            }
            throw f;
        }
    }
}
