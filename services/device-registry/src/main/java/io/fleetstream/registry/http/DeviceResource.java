package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.CredentialDraft;
import io.fleetstream.registry.domain.CredentialService;
import io.fleetstream.registry.domain.DeviceDraft;
import io.fleetstream.registry.domain.DeviceService;
import io.fleetstream.registry.domain.InvalidRequestException;
import io.fleetstream.registry.domain.IssuedCredential;
import io.fleetstream.registry.domain.Page;
import io.fleetstream.registry.persistence.DeviceEntity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

/** Operator API for devices and their credentials. */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final DeviceService devices;
    private final CredentialService credentials;

    public DeviceResource(DeviceService devices, CredentialService credentials) {
        this.devices = devices;
        this.credentials = credentials;
    }

    @POST
    public Response create(DeviceDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException(
                    "$",
                    "the body is empty; send a JSON object such as {\"name\": \"Boiler 1\", \"type\": \"boiler\"}");
        }
        DeviceEntity device = devices.create(draft);
        return Response.created(UriBuilder.fromPath("/v1/devices/{id}").build(device.deviceId))
                .entity(DeviceView.of(device))
                .build();
    }

    @GET
    @Path("/{deviceId}")
    public DeviceView get(@PathParam("deviceId") String deviceId) {
        return DeviceView.of(devices.get(deviceId));
    }

    @GET
    public PageView<DeviceView> list(
            @QueryParam("type") String type, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Page<DeviceView> page = devices.list(type, limit, cursor).map(DeviceView::of);
        return new PageView<>(page.items(), page.nextCursor(), page.hasMore());
    }

    /** Issues a credential; the token is in this response only, so caches must not keep it. */
    @POST
    @Path("/{deviceId}/credentials")
    public Response issueCredential(@PathParam("deviceId") String deviceId, CredentialDraft draft) {
        return issued(credentials.issue(deviceId, draft == null ? CredentialDraft.EMPTY : draft));
    }

    /**
     * Issues a credential without options: the body is optional, so a request without one (and without Content-Type)
     * is fine; a body that is not JSON is refused.
     */
    @POST
    @Path("/{deviceId}/credentials")
    @Consumes(MediaType.WILDCARD)
    public Response issueCredentialWithoutBody(@PathParam("deviceId") String deviceId, byte[] body) {
        if (body != null && body.length > 0) {
            throw new NotSupportedException();
        }
        return issued(credentials.issue(deviceId, CredentialDraft.EMPTY));
    }

    private static Response issued(IssuedCredential issued) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(Response.Status.CREATED)
                .cacheControl(noStore)
                .entity(IssuedCredentialView.of(issued))
                .build();
    }
}
