package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.FieldError;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Refuses a query parameter the matched endpoint does not declare, and a single-valued one given more than once.
 * Without this a misspelt filter ({@code stat=ACTIVE}) or a second value is silently ignored and the answer looks like
 * a valid page of the wrong thing. Runs after authentication, so an unauthenticated caller learns nothing about the
 * parameters.
 */
public class QueryParameterCheck {

    /** Per resource method: each declared query parameter and whether it may repeat. */
    private final ConcurrentMap<Method, Map<String, Boolean>> declared = new ConcurrentHashMap<>();

    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Optional<Response> check(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        MultivaluedMap<String, String> given = request.getUriInfo().getQueryParameters();
        if (method == null || given.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Boolean> known = declared.computeIfAbsent(method, QueryParameterCheck::queryParameters);
        List<FieldError> errors = new ArrayList<>();
        given.forEach((name, values) -> {
            Boolean repeatable = known.get(name);
            if (repeatable == null) {
                errors.add(new FieldError(
                        name,
                        known.isEmpty()
                                ? "is not a parameter of this endpoint, which takes none; remove it"
                                : "is not a parameter of this endpoint; remove it or use one of "
                                        + String.join(", ", known.keySet())));
            } else if (!repeatable && values.size() > 1) {
                errors.add(new FieldError(name, "is given " + values.size() + " times; give it once"));
            }
        });
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Problem.of(
                        "invalid-request",
                        "Invalid request",
                        400,
                        "the query has parameters this endpoint does not take; fix each one listed in errors",
                        errors)
                .toResponse());
    }

    private static Map<String, Boolean> queryParameters(Method method) {
        Map<String, Boolean> names = new TreeMap<>();
        for (Parameter parameter : method.getParameters()) {
            QueryParam query = parameter.getAnnotation(QueryParam.class);
            if (query != null) {
                names.put(query.value(), Collection.class.isAssignableFrom(parameter.getType()));
            }
        }
        return Collections.unmodifiableMap(names);
    }
}
