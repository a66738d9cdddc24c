package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.DeviceTypeDraft;
import io.fleetstream.registry.domain.DeviceTypeService;
import io.fleetstream.registry.domain.InvalidRequestException;
import io.fleetstream.registry.domain.Page;
import io.fleetstream.registry.persistence.DeviceTypeEntity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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

/** Operator API for device types; a device must name an existing type. */
@Path("/v1/device-types")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "device types")
@SecurityRequirement(name = OpenApiDefinition.SCHEME)
@APIResponse(responseCode = "401", description = "no, unknown, expired or revoked API key")
@APIResponse(responseCode = "403", description = "the key's role is too low (VIEWER reads, OPERATOR changes)")
public class DeviceTypeResource {

    private final DeviceTypeService types;
    private final CurrentOperator operator;

    public DeviceTypeResource(DeviceTypeService types, CurrentOperator operator) {
        this.types = types;
        this.operator = operator;
    }

    @POST
    @Operation(summary = "Create a device type")
    @APIResponse(responseCode = "201", description = "created")
    @APIResponse(responseCode = "400", description = "invalid field")
    @APIResponse(responseCode = "409", description = "the type exists")
    public Response create(DeviceTypeDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException(
                    "$", "the body is empty; send {\"type\": \"boiler\", \"description\": \"...\"}");
        }
        DeviceTypeEntity type = types.create(operator.actor(), draft);
        return Response.created(UriBuilder.fromPath("/v1/device-types/{type}").build(type.type))
                .entity(DeviceTypeView.of(type))
                .build();
    }

    @GET
    @Path("/{type}")
    @Operation(summary = "Read a device type")
    @APIResponse(responseCode = "200", description = "the type")
    @APIResponse(responseCode = "404", description = "no such type")
    public DeviceTypeView get(@PathParam("type") String type) {
        return DeviceTypeView.of(types.get(type));
    }

    @GET
    @Operation(summary = "List device types in name order")
    @APIResponse(responseCode = "200", description = "{items, nextCursor, hasMore}")
    public PageView<DeviceTypeView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Page<DeviceTypeView> page = types.list(limit, cursor).map(DeviceTypeView::of);
        return new PageView<>(page.items(), page.nextCursor(), page.hasMore());
    }

    @PATCH
    @Path("/{type}")
    @Consumes({MediaType.APPLICATION_JSON, DeviceResource.MERGE_PATCH})
    @Operation(summary = "Change the description (the name is what devices refer to and cannot change)")
    @APIResponse(responseCode = "200", description = "the changed type")
    public DeviceTypeView update(@PathParam("type") String type, DescriptionChange change) {
        return DeviceTypeView.of(
                types.updateDescription(operator.actor(), type, change == null ? null : change.description()));
    }

    @PUT
    @Path("/{type}")
    @Operation(summary = "Change the description (same as PATCH)")
    @APIResponse(responseCode = "200", description = "the changed type")
    public DeviceTypeView replace(@PathParam("type") String type, DescriptionChange change) {
        return update(type, change);
    }

    /** Body of a description change. */
    public record DescriptionChange(String description) {}

    @DELETE
    @Path("/{type}")
    @Operation(summary = "Delete a device type that no device uses")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "409", description = "devices still use the type")
    public Response delete(@PathParam("type") String type) {
        types.delete(operator.actor(), type);
        return Response.noContent().build();
    }
}
