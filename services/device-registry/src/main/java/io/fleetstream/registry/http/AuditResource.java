package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.AuditService;
import io.fleetstream.registry.domain.Page;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Administrator API for the audit log. */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@SecurityRequirement(name = OpenApiDefinition.SCHEME)
@APIResponse(responseCode = "401", description = "no, unknown, expired or revoked API key")
@APIResponse(responseCode = "403", description = "the key does not have role ADMIN")
public class AuditResource {

    private final AuditService audit;

    public AuditResource(AuditService audit) {
        this.audit = audit;
    }

    @GET
    @Operation(
            summary = "Audit entries, newest first",
            description = "actor is a key id; from (inclusive) and to (exclusive) are RFC 3339 or epoch milliseconds.")
    @APIResponse(responseCode = "200", description = "{items, nextCursor, hasMore}")
    @APIResponse(responseCode = "400", description = "invalid filter, limit or cursor")
    public PageView<AuditEntryView> list(
            @QueryParam("resourceType") String resourceType,
            @QueryParam("resourceId") String resourceId,
            @QueryParam("actor") String actor,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        Page<AuditEntryView> page = audit.list(resourceType, resourceId, actor, from, to, limit, cursor)
                .map(AuditEntryView::of);
        return new PageView<>(page.items(), page.nextCursor(), page.hasMore());
    }
}
