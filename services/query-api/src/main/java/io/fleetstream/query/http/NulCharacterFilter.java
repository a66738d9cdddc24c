package io.fleetstream.query.http;

import io.fleetstream.query.domain.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;

/**
 * Refuses a request whose path or query holds the NUL character (%00). PostgreSQL text cannot hold it, so such an id
 * or filter can never match anything; without this check the database refuses the query and the client got a 500.
 */
public class NulCharacterFilter {

    @ServerRequestFilter(preMatching = true)
    public Response refuseNul(ContainerRequestContext request) {
        if (request.getUriInfo().getPath().indexOf('\u0000') < 0
                && request.getUriInfo().getQueryParameters().values().stream()
                        .flatMap(values -> values.stream())
                        .noneMatch(value -> value.indexOf('\u0000') >= 0)) {
            return null;
        }
        return ProblemMappers.problem(
                400,
                Problem.Kind.INVALID_REQUEST,
                "Invalid request",
                "the path or query holds the NUL character (%00), which no id, name or filter can contain; remove it",
                List.of());
    }
}
