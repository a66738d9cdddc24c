package io.fleetstream.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.registry.domain.AlertRuleDraft;
import io.fleetstream.registry.domain.AlertRuleService;
import io.fleetstream.registry.domain.InvalidRequestException;
import io.fleetstream.registry.domain.Page;
import io.fleetstream.registry.persistence.AlertRuleEntity;
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

/** Operator API for alert rules. */
@Path("/v1/alert-rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "alert rules")
@SecurityRequirement(name = OpenApiDefinition.SCHEME)
@APIResponse(responseCode = "401", description = "no, unknown, expired or revoked API key")
@APIResponse(responseCode = "403", description = "the key's role is too low (VIEWER reads, OPERATOR changes)")
public class AlertRuleResource {

    private static final String EMPTY_BODY = "the body is empty; send a JSON object with name, kind, scope, metric"
            + " and the fields of the kind (see the README)";

    private final AlertRuleService rules;
    private final CurrentOperator operator;

    public AlertRuleResource(AlertRuleService rules, CurrentOperator operator) {
        this.rules = rules;
        this.operator = operator;
    }

    @POST
    @Operation(summary = "Create an alert rule (THRESHOLD, RATE_OF_CHANGE or INACTIVITY)")
    @APIResponse(responseCode = "201", description = "created, with its ruleId")
    @APIResponse(responseCode = "400", description = "every invalid field, each with how to fix it")
    public Response create(AlertRuleDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException("$", EMPTY_BODY);
        }
        AlertRuleEntity rule = rules.create(operator.actor(), draft);
        return Response.created(UriBuilder.fromPath("/v1/alert-rules/{id}").build(rule.ruleId))
                .entity(AlertRuleView.of(rule))
                .build();
    }

    @GET
    @Path("/{ruleId}")
    @Operation(summary = "Read an alert rule")
    @APIResponse(responseCode = "200", description = "the rule")
    @APIResponse(responseCode = "404", description = "no such rule")
    public AlertRuleView get(@PathParam("ruleId") String ruleId) {
        return AlertRuleView.of(rules.get(ruleId));
    }

    @GET
    @Operation(summary = "List alert rules in id order, optionally filtered")
    @APIResponse(responseCode = "200", description = "{items, nextCursor, hasMore}")
    public PageView<AlertRuleView> list(
            @QueryParam("kind") String kind,
            @QueryParam("metric") String metric,
            @QueryParam("deviceId") String deviceId,
            @QueryParam("deviceType") String deviceType,
            @QueryParam("enabled") String enabled,
            @QueryParam("severity") String severity,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        Page<AlertRuleView> page = rules.list(kind, metric, deviceId, deviceType, enabled, severity, limit, cursor)
                .map(AlertRuleView::of);
        return new PageView<>(page.items(), page.nextCursor(), page.hasMore());
    }

    @PUT
    @Path("/{ruleId}")
    @Operation(summary = "Replace a rule; fields left out take their defaults as on create")
    @APIResponse(responseCode = "200", description = "the changed rule")
    @APIResponse(responseCode = "400", description = "every invalid field")
    @APIResponse(responseCode = "404", description = "no such rule")
    public AlertRuleView replace(@PathParam("ruleId") String ruleId, AlertRuleDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException("$", EMPTY_BODY);
        }
        return AlertRuleView.of(rules.replace(operator.actor(), ruleId, draft));
    }

    @PATCH
    @Path("/{ruleId}")
    @Consumes({MediaType.APPLICATION_JSON, DeviceResource.MERGE_PATCH})
    @Operation(summary = "Change some fields of a rule (JSON merge patch; null removes a field)")
    @APIResponse(responseCode = "200", description = "the changed rule")
    @APIResponse(responseCode = "400", description = "the rule after the patch would be invalid")
    public AlertRuleView patch(@PathParam("ruleId") String ruleId, JsonNode patch) {
        return AlertRuleView.of(rules.patch(operator.actor(), ruleId, patch));
    }

    @POST
    @Path("/{ruleId}/enable")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Enable a rule (idempotent)")
    @APIResponse(responseCode = "200", description = "the rule")
    public AlertRuleView enable(@PathParam("ruleId") String ruleId) {
        return AlertRuleView.of(rules.setEnabled(operator.actor(), ruleId, true));
    }

    @POST
    @Path("/{ruleId}/disable")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Disable a rule (idempotent)")
    @APIResponse(responseCode = "200", description = "the rule")
    public AlertRuleView disable(@PathParam("ruleId") String ruleId) {
        return AlertRuleView.of(rules.setEnabled(operator.actor(), ruleId, false));
    }

    @DELETE
    @Path("/{ruleId}")
    @Operation(summary = "Delete a rule (tombstone on the rule changelog)")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "404", description = "no such rule")
    public Response delete(@PathParam("ruleId") String ruleId) {
        rules.delete(operator.actor(), ruleId);
        return Response.noContent().build();
    }
}
