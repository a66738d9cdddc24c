package io.fleetstream.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.registry.domain.CredentialDraft;
import io.fleetstream.registry.domain.CredentialService;
import io.fleetstream.registry.domain.DeviceDraft;
import io.fleetstream.registry.domain.DeviceService;
import io.fleetstream.registry.domain.InvalidRequestException;
import io.fleetstream.registry.domain.IssuedCredential;
import io.fleetstream.registry.domain.Page;
import io.fleetstream.registry.domain.RotationDraft;
import io.fleetstream.registry.persistence.DeviceEntity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Operator API for devices, their lifecycle and their credentials. */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "devices")
@SecurityRequirement(name = OpenApiDefinition.SCHEME)
@APIResponse(responseCode = "401", description = "no, unknown, expired or revoked API key")
@APIResponse(responseCode = "403", description = "the key's role is too low (VIEWER reads, OPERATOR changes)")
public class DeviceResource {

    /** Media type of JSON merge patches (RFC 7396); plain JSON is accepted as well. */
    static final String MERGE_PATCH = "application/merge-patch+json";

    private final DeviceService devices;
    private final CredentialService credentials;
    private final CurrentOperator operator;
    private final Clock clock;

    public DeviceResource(DeviceService devices, CredentialService credentials, CurrentOperator operator, Clock clock) {
        this.devices = devices;
        this.credentials = credentials;
        this.operator = operator;
        this.clock = clock;
    }

    @POST
    @Operation(summary = "Register a device (state ACTIVE unless PROVISIONED is asked for)")
    @APIResponse(responseCode = "201", description = "registered")
    @APIResponse(responseCode = "400", description = "invalid field, or the device type does not exist")
    @APIResponse(responseCode = "409", description = "the device id is taken")
    public Response create(DeviceDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException(
                    "$",
                    "the body is empty; send a JSON object such as {\"name\": \"Boiler 1\", \"type\": \"boiler\"}");
        }
        DeviceEntity device = devices.create(operator.actor(), draft);
        return Response.created(UriBuilder.fromPath("/v1/devices/{id}").build(device.deviceId))
                .entity(DeviceView.of(device))
                .build();
    }

    @POST
    @Path("/bulk")
    @Operation(
            summary = "Register up to 1000 devices with one credential each, all or nothing",
            description = "One transaction: if any item is invalid nothing is stored and the 400 answer lists every"
                    + " error with the item's index. The tokens appear in this answer only.")
    @APIResponse(responseCode = "201", description = "every device registered; tokens in the answer")
    @APIResponse(responseCode = "400", description = "at least one item is invalid; nothing was stored")
    @APIResponse(responseCode = "413", description = "more than 1000 devices")
    public Response createBulk(BulkDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException(
                    "$",
                    "the body is empty; send {\"devices\": [{\"name\": \"Boiler 1\", \"type\": \"boiler\"}, ...]}");
        }
        List<BulkView.Item> items =
                devices.createBulk(operator.actor(), draft.devices(), draft.credentialExpiresAt()).stream()
                        .map(registered -> new BulkView.Item(
                                DeviceView.of(registered.device()), IssuedCredentialView.of(registered.issued())))
                        .toList();
        return Response.status(Response.Status.CREATED)
                .cacheControl(NoStore.header())
                .entity(new BulkView(items.size(), items))
                .build();
    }

    @GET
    @Path("/{deviceId}")
    @Operation(summary = "Read a device")
    @APIResponse(responseCode = "200", description = "the device")
    @APIResponse(responseCode = "404", description = "no such device")
    public DeviceView get(@PathParam("deviceId") String deviceId) {
        return DeviceView.of(devices.get(deviceId));
    }

    @GET
    @Operation(
            summary = "List devices in id order",
            description = "label takes key:value (or key=value) and may repeat; every label must match. Pass the same"
                    + " filters with each cursor.")
    @APIResponse(responseCode = "200", description = "{items, nextCursor, hasMore}")
    @APIResponse(responseCode = "400", description = "invalid filter, limit or cursor")
    public PageView<DeviceView> list(
            @QueryParam("type") String type,
            @QueryParam("state") String state,
            @QueryParam("label") List<String> labels,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        Page<DeviceView> page = devices.list(type, state, labels, limit, cursor).map(DeviceView::of);
        return new PageView<>(page.items(), page.nextCursor(), page.hasMore());
    }

    @PATCH
    @Path("/{deviceId}")
    @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH})
    @Operation(
            summary = "Change name, type or labels (JSON merge patch)",
            description = "labels are merged key by key; a label set to null is removed.")
    @APIResponse(responseCode = "200", description = "the changed device")
    @APIResponse(responseCode = "400", description = "invalid field, or the new type does not exist")
    @APIResponse(responseCode = "404", description = "no such device")
    @APIResponse(responseCode = "409", description = "the device is decommissioned")
    public DeviceView patch(@PathParam("deviceId") String deviceId, JsonNode patch) {
        return DeviceView.of(devices.patch(operator.actor(), deviceId, patch));
    }

    @POST
    @Path("/{deviceId}/state")
    @Operation(
            summary = "Move a device through its lifecycle",
            description = "PROVISIONED->ACTIVE, ACTIVE<->SUSPENDED, any but DECOMMISSIONED->DECOMMISSIONED (final,"
                    + " revokes every credential). Asking for the current state changes nothing.")
    @APIResponse(responseCode = "200", description = "the device in its new state")
    @APIResponse(responseCode = "409", description = "the transition is not allowed; the problem says which are")
    public DeviceView changeState(@PathParam("deviceId") String deviceId, StateChange change) {
        if (change == null) {
            throw new InvalidRequestException(
                    "$", "the body is empty; send {\"state\": \"SUSPENDED\", \"reason\": \"...\"}");
        }
        return DeviceView.of(devices.changeState(operator.actor(), deviceId, change.state(), change.reason()));
    }

    /** Body of a state change. */
    public record StateChange(String state, String reason) {}

    @DELETE
    @Path("/{deviceId}")
    @Operation(summary = "Delete a decommissioned device and its credentials (tombstones on both changelogs)")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "409", description = "the device is not decommissioned")
    public Response delete(@PathParam("deviceId") String deviceId) {
        devices.delete(operator.actor(), deviceId);
        return Response.noContent().build();
    }

    @POST
    @Path("/{deviceId}/credentials")
    @Operation(summary = "Issue a credential; the token is in this answer only")
    @APIResponse(responseCode = "201", description = "{credentialId, deviceId, token, createdAt, expiresAt}")
    @APIResponse(responseCode = "409", description = "the device is decommissioned")
    public Response issueCredential(@PathParam("deviceId") String deviceId, CredentialDraft draft) {
        return issued(credentials.issue(operator.actor(), deviceId, draft == null ? CredentialDraft.EMPTY : draft));
    }

    /**
     * Issues a credential without options: the body is optional, so a request without one (and without Content-Type)
     * is fine; a body that is not JSON is refused.
     */
    @POST
    @Path("/{deviceId}/credentials")
    @Consumes(MediaType.WILDCARD)
    @Operation(hidden = true)
    public Response issueCredentialWithoutBody(@PathParam("deviceId") String deviceId, byte[] body) {
        if (body != null && body.length > 0) {
            throw new NotSupportedException();
        }
        return issued(credentials.issue(operator.actor(), deviceId, CredentialDraft.EMPTY));
    }

    @GET
    @Path("/{deviceId}/credentials")
    @Operation(summary = "List a device's credentials (never a token or hash)")
    @APIResponse(responseCode = "200", description = "{items} oldest first, each with status ACTIVE/EXPIRED/REVOKED")
    public CredentialList listCredentials(@PathParam("deviceId") String deviceId) {
        Instant now = clock.instant();
        return new CredentialList(credentials.list(deviceId).stream()
                .map(credential -> CredentialView.of(credential, now))
                .toList());
    }

    /** A device has few credentials, so they come in one list without paging. */
    public record CredentialList(List<CredentialView> items) {}

    @POST
    @Path("/{deviceId}/credentials/{credentialId}/revoke")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Revoke a credential at once (idempotent)")
    @APIResponse(responseCode = "200", description = "the revoked credential")
    public CredentialView revoke(
            @PathParam("deviceId") String deviceId, @PathParam("credentialId") String credentialId) {
        return CredentialView.of(credentials.revoke(operator.actor(), deviceId, credentialId), clock.instant());
    }

    @DELETE
    @Path("/{deviceId}/credentials/{credentialId}")
    @Operation(summary = "Revoke a credential at once (same as POST .../revoke; the record is kept)")
    @APIResponse(responseCode = "200", description = "the revoked credential")
    public CredentialView revokeByDelete(
            @PathParam("deviceId") String deviceId, @PathParam("credentialId") String credentialId) {
        return revoke(deviceId, credentialId);
    }

    @POST
    @Path("/{deviceId}/credentials/rotate")
    @Operation(
            summary = "Issue a new credential; credentials valid now expire after the overlap",
            description = "overlap: ISO 8601 (\"PT1H\") or whole seconds, 0 to 30 days. A credential that expires"
                    + " earlier keeps its expiry.")
    @APIResponse(responseCode = "201", description = "the new credential with its token, and the shortened ones")
    public Response rotate(@PathParam("deviceId") String deviceId, RotationDraft draft) {
        CredentialService.Rotation rotation = credentials.rotate(operator.actor(), deviceId, draft);
        Instant now = clock.instant();
        RotationView view = new RotationView(
                IssuedCredentialView.of(rotation.issued()),
                rotation.shortened().stream()
                        .map(credential -> CredentialView.of(credential, now))
                        .toList());
        return Response.status(Response.Status.CREATED)
                .cacheControl(NoStore.header())
                .entity(view)
                .build();
    }

    /** Answer to a rotation: the new credential (with its token) and the old ones with their new expiry. */
    public record RotationView(IssuedCredentialView credential, List<CredentialView> expiring) {}

    private static Response issued(IssuedCredential issued) {
        return Response.status(Response.Status.CREATED)
                .cacheControl(NoStore.header())
                .entity(IssuedCredentialView.of(issued))
                .build();
    }
}
