package dev.bulwark.samples.dropwizard;

import dev.bulwark.alerting.AlertEngine;
import dev.bulwark.backup.BackupAlreadyRunningException;
import dev.bulwark.backup.BackupException;
import dev.bulwark.backup.BackupManager;
import dev.bulwark.samples.support.ContractFailure;
import dev.bulwark.samples.support.ContractViews;
import dev.bulwark.samples.support.JsonBody;
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
import java.time.Clock;
import java.util.Map;

/**
 * Backups and alerts, for the {@code admin} role only: jwt-cookies' {@code JwtAuthServletFilter(auth, "admin")}
 * on {@code /admin/*} answers 401/403 before Jersey (and CSRF-checks unsafe calls).
 */
@Path("/admin")
public final class AdminResource {

    private final BackupManager backups;
    private final AlertEngine alerts;
    private final Clock clock;

    AdminResource(BackupManager backups, AlertEngine alerts, Clock clock) {
        this.backups = backups;
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * Takes a backup now.
     *
     * @return 201 with its manifest; 409 while one runs; 503 when it failed
     */
    @POST
    @Path("backups")
    public Response takeBackup() {
        try {
            return new Answers().json(201, ContractViews.backup(backups.backup()));
        } catch (BackupAlreadyRunningException e) {
            throw new ContractFailure(409, "backup_running", e.getMessage());
        } catch (BackupException e) {
            throw new ContractFailure(503, "backup_failed", e.getMessage());
        }
    }

    /**
     * Lists the backups with status and checksums.
     *
     * @return 200
     */
    @GET
    @Path("backups")
    public Response listBackups() {
        return new Answers().json(200, ContractViews.backups(backups));
    }

    /**
     * Active alerts with state.
     *
     * @return 200
     */
    @GET
    @Path("alerts")
    public Response listAlerts() {
        return new Answers().json(200, ContractViews.alerts(alerts));
    }

    /**
     * Sends a test alert through every notifier; it resolves itself.
     *
     * @return 202 {@code {"queuedFor": n}}
     */
    @POST
    @Path("alerts/test")
    public Response testAlert() {
        return new Answers().json(202, ContractViews.testAlert(alerts));
    }

    /**
     * The silences in force.
     *
     * @return 200
     */
    @GET
    @Path("alerts/silences")
    public Response silences() {
        return new Answers().json(200, ContractViews.silences(alerts.silences()));
    }

    /**
     * Silences alerts matching labels until an expiry.
     *
     * @param security the caller (the silence's author)
     * @param body {@code {"matchers":{...},"durationMinutes":60,"comment":"..."}}
     * @return 201 with the silence
     * @throws IOException when the client went away
     */
    @POST
    @Path("alerts/silences")
    public Response addSilence(@Context SecurityContext security, InputStream body) throws IOException {
        String author = Caller.of(security).subject();
        JsonBody.SilenceRequest s = JsonBody.silence(JsonBody.read(body), clock.instant());
        try {
            return new Answers().json(201, ContractViews.silence(alerts.silence(s.matchers(), s.endsAt(), author, s.comment())));
        } catch (IllegalArgumentException e) {
            throw new ContractFailure(400, "bad_request", e.getMessage());
        }
    }

    /**
     * Ends a silence.
     *
     * @param id the silence
     * @return 204, 404 when none such is in force
     */
    @DELETE
    @Path("alerts/silences/{id}")
    public Response endSilence(@PathParam("id") String id) {
        if (!AuthResource.ID.matcher(id).matches() || !alerts.expireSilence(id)) {
            throw new ContractFailure(404, "not_found", "no such silence in force");
        }
        return Response.noContent().build();
    }
}
