package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.InvalidRequestException;
import io.fleetstream.registry.domain.IssuedKey;
import io.fleetstream.registry.domain.OperatorKeyDraft;
import io.fleetstream.registry.domain.OperatorKeyService;
import io.fleetstream.registry.domain.Page;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

/** Administrator API for operator API keys. */
@Path("/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "api keys")
@SecurityRequirement(name = OpenApiDefinition.SCHEME)
@APIResponse(responseCode = "401", description = "no, unknown, expired or revoked API key")
@APIResponse(responseCode = "403", description = "the key does not have role ADMIN")
public class OperatorKeyResource {

    private final OperatorKeyService keys;
    private final CurrentOperator operator;

    public OperatorKeyResource(OperatorKeyService keys, CurrentOperator operator) {
        this.keys = keys;
        this.operator = operator;
    }

    @POST
    @Operation(summary = "Create an API key; the key is in this answer only")
    @APIResponse(responseCode = "201", description = "{keyId, name, role, key, createdAt, expiresAt}")
    @APIResponse(responseCode = "400", description = "invalid field")
    public Response create(OperatorKeyDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException(
                    "$", "the body is empty; send {\"name\": \"dashboard\", \"role\": \"VIEWER\"}");
        }
        IssuedKey issued = keys.create(operator.actor(), draft);
        return Response.created(UriBuilder.fromPath("/v1/api-keys/{id}").build(issued.entity().keyId))
                .cacheControl(NoStore.header())
                .entity(IssuedKeyView.of(issued))
                .build();
    }

    @GET
    @Operation(summary = "List API keys in id order (never a key or hash)")
    @APIResponse(responseCode = "200", description = "{items, nextCursor, hasMore}")
    public PageView<OperatorKeyView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Page<OperatorKeyView> page = keys.list(limit, cursor).map(OperatorKeyView::of);
        return new PageView<>(page.items(), page.nextCursor(), page.hasMore());
    }

    @GET
    @Path("/{keyId}")
    @Operation(summary = "Read an API key's metadata")
    @APIResponse(responseCode = "200", description = "the key without its secret")
    @APIResponse(responseCode = "404", description = "no such key")
    public OperatorKeyView get(@PathParam("keyId") String keyId) {
        return OperatorKeyView.of(keys.get(keyId));
    }

    @POST
    @Path("/{keyId}/revoke")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Revoke an API key at once (idempotent)")
    @APIResponse(responseCode = "200", description = "the revoked key")
    public OperatorKeyView revoke(@PathParam("keyId") String keyId) {
        return OperatorKeyView.of(keys.revoke(operator.actor(), keyId));
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke an API key (same as POST .../revoke; the record is kept)")
    @APIResponse(responseCode = "200", description = "the revoked key")
    public OperatorKeyView revokeByDelete(@PathParam("keyId") String keyId) {
        return revoke(keyId);
    }
}
