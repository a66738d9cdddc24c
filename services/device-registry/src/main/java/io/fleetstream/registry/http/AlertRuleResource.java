package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.AlertRuleDraft;
import io.fleetstream.registry.domain.AlertRuleService;
import io.fleetstream.registry.domain.InvalidRequestException;
import io.fleetstream.registry.domain.Page;
import io.fleetstream.registry.persistence.AlertRuleEntity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

/** Operator API for threshold alert rules. */
@Path("/v1/alert-rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AlertRuleResource {

    private final AlertRuleService rules;

    public AlertRuleResource(AlertRuleService rules) {
        this.rules = rules;
    }

    @POST
    public Response create(AlertRuleDraft draft) {
        if (draft == null) {
            throw new InvalidRequestException(
                    "$",
                    "the body is empty; send a JSON object with name, scope, metric, aggregation, windowSize,"
                            + " direction, raiseThreshold, clearThreshold and severity");
        }
        AlertRuleEntity rule = rules.create(draft);
        return Response.created(UriBuilder.fromPath("/v1/alert-rules/{id}").build(rule.ruleId))
                .entity(AlertRuleView.of(rule))
                .build();
    }

    @GET
    @Path("/{ruleId}")
    public AlertRuleView get(@PathParam("ruleId") String ruleId) {
        return AlertRuleView.of(rules.get(ruleId));
    }

    @GET
    public PageView<AlertRuleView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Page<AlertRuleView> page = rules.list(limit, cursor).map(AlertRuleView::of);
        return new PageView<>(page.items(), page.nextCursor(), page.hasMore());
    }
}
