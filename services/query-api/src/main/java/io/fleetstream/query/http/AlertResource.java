package io.fleetstream.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetstream.query.auth.CurrentOperator;
import io.fleetstream.query.auth.Operator;
import io.fleetstream.query.auth.RequiresRole;
import io.fleetstream.query.domain.AlertFilter;
import io.fleetstream.query.domain.PageRequest;
import io.fleetstream.query.domain.Problem;
import io.fleetstream.query.domain.QueryException;
import io.fleetstream.query.domain.TimeParameter;
import io.fleetstream.query.domain.Views.AlertDetail;
import io.fleetstream.query.domain.Views.AlertItem;
import io.fleetstream.query.domain.Views.Page;
import io.fleetstream.query.metrics.QueryMetrics;
import io.fleetstream.query.persistence.AlertStore;
import io.fleetstream.schema.OperatorRole;
import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.fleetstream.query.http.TelemetryResource.blankToNull;

/** Alerts: list, one with its events, and acknowledgement (OPERATOR or ADMIN). */
@Path("/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "alerts")
public class AlertResource {

    static final int MAX_NOTE_LENGTH = 1000;

    private static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");
    private static final Set<String> STATES = Set.of("open", "acknowledged", "cleared");

    private final AlertStore alerts;
    private final CurrentOperator operator;
    private final ObjectMapper json;
    private final QueryMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public AlertResource(AlertStore alerts, CurrentOperator operator, ObjectMapper json, QueryMetrics metrics) {
        this.alerts = alerts;
        this.operator = operator;
        this.json = json;
        this.metrics = metrics;
    }

    @GET
    @Operation(
            summary = "Alerts, newest raisedAt first (ties by alertId)",
            description = "state may be repeated (state=open&state=acknowledged); open = not cleared and not"
                    + " acknowledged, acknowledged = not cleared and acknowledged, cleared = cleared either way.")
    public Page<AlertItem> list(
            @QueryParam("deviceId") String deviceId,
            @QueryParam("ruleId") String ruleId,
            @QueryParam("severity") String severity,
            @QueryParam("state") List<String> state,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        String level = blankToNull(severity);
        if (level != null) {
            level = level.toUpperCase(Locale.ROOT);
            if (!SEVERITIES.contains(level)) {
                throw QueryException.badParameter(
                        "severity", "'" + severity + "' is not a severity; use INFO, WARNING or CRITICAL");
            }
        }
        Set<String> states = new LinkedHashSet<>();
        for (String value : state == null ? List.<String>of() : state) {
            for (String part : value.split(",")) {
                String name = part.strip().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (!STATES.contains(name)) {
                    throw QueryException.badParameter(
                            "state",
                            "'" + part.strip() + "' is not an alert state; use open, acknowledged or cleared (repeat"
                                    + " the parameter for several)");
                }
                states.add(name);
            }
        }
        Instant start = TimeParameter.parse("from", from);
        Instant end = TimeParameter.parse("to", to);
        TimeParameter.checkOrder(start, end);
        AlertFilter filter =
                new AlertFilter(blankToNull(deviceId), blankToNull(ruleId), level, Set.copyOf(states), start, end);
        return alerts.alerts(filter, PageRequest.of(limit, cursor, AlertStore.cursorScope(filter)));
    }

    @GET
    @Path("/{alertId}")
    @Operation(summary = "One alert with its RAISED and CLEARED events")
    public AlertDetail one(@PathParam("alertId") String alertId) {
        return alerts.alert(alertId).orElseThrow(() -> notFound(alertId));
    }

    @POST
    @Path("/{alertId}/acknowledge")
    @Consumes(MediaType.WILDCARD)
    @RequiresRole(OperatorRole.OPERATOR)
    @Operation(
            summary = "Acknowledge an alert (OPERATOR or ADMIN); body {\"note\": \"...\"} is optional",
            description = "201 with the alert when this call acknowledged it; 200 with the alert and its original"
                    + " acknowledgement when it was acknowledged before (nothing changes). A cleared alert may be"
                    + " acknowledged too; it stays cleared.")
    public Response acknowledge(@PathParam("alertId") String alertId, String body) {
        String note = note(body);
        Operator who = operator.get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AlertStore.Acknowledged result =
                alerts.acknowledge(alertId, who, note, now).orElseThrow(() -> notFound(alertId));
        if (result.created()) {
            metrics.acknowledged();
            Log.infof("alert [%s] acknowledged by operator key [%s]", alertId, who.keyId());
        }
        return Response.status(result.created() ? 201 : 200)
                .type(MediaType.APPLICATION_JSON)
                .entity(result.alert())
                .build();
    }

    private String note(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException e) {
            throw new QueryException(
                    400,
                    Problem.Kind.MALFORMED_JSON,
                    "Malformed JSON",
                    "the body is not valid JSON; send {\"note\": \"why\"} or an empty body",
                    List.of(new Problem.FieldError(
                            null, "body", "is not JSON; send {\"note\": \"why\"} or an empty body")));
        }
        if (tree == null || !tree.isObject()) {
            throw QueryException.badParameter("body", "must be a JSON object such as {\"note\": \"why\"}");
        }
        JsonNode note = tree.get("note");
        if (note == null || note.isNull()) {
            return null;
        }
        if (!note.isTextual()) {
            throw QueryException.badParameter("note", "must be a string, e.g. {\"note\": \"valve replaced\"}");
        }
        String text = note.asText().strip();
        if (text.length() > MAX_NOTE_LENGTH) {
            throw QueryException.badParameter(
                    "note", "is " + text.length() + " characters long; shorten it to at most " + MAX_NOTE_LENGTH);
        }
        return text.isEmpty() ? null : text;
    }

    private static QueryException notFound(String alertId) {
        return QueryException.notFound(
                "No such alert", "alert [" + alertId + "] is not stored; take the alertId from GET /v1/alerts");
    }
}
