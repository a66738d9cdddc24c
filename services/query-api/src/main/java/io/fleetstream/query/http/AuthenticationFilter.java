package io.fleetstream.query.http;

import io.fleetstream.query.auth.AuthOutcome;
import io.fleetstream.query.auth.CurrentOperator;
import io.fleetstream.query.auth.Operator;
import io.fleetstream.query.auth.OperatorAuthenticator;
import io.fleetstream.query.auth.RequiresRole;
import io.fleetstream.query.config.QuerySettings;
import io.fleetstream.query.domain.Problem;
import io.fleetstream.query.metrics.QueryMetrics;
import io.fleetstream.schema.OperatorRole;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Authenticates every request to a REST endpoint of this service. Health, metrics and the OpenAPI document are served
 * outside the REST layer and stay open. Runs after matching, so an unknown path is a 404 whoever asks.
 */
public class AuthenticationFilter {

    static final String CHALLENGE = "Bearer realm=\"fleetstream\"";

    private final OperatorAuthenticator authenticator;
    private final CurrentOperator current;
    private final QuerySettings settings;
    private final QueryMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public AuthenticationFilter(
            OperatorAuthenticator authenticator,
            CurrentOperator current,
            QuerySettings settings,
            QueryMetrics metrics) {
        this.authenticator = authenticator;
        this.current = current;
        this.settings = settings;
        this.metrics = metrics;
    }

    @ServerRequestFilter
    public Response authenticate(ContainerRequestContext request, ResourceInfo resource) {
        AuthOutcome outcome =
                authenticator.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION), clock.instant());
        if (outcome instanceof AuthOutcome.NotReady) {
            metrics.authRefused("not-ready");
            long seconds = Math.max(1, settings.retryAfter().toSeconds());
            return Response.fromResponse(ProblemMappers.problem(
                            503,
                            Problem.Kind.UNAVAILABLE,
                            "Operator keys not loaded yet",
                            "the query API is still reading the operator key changelog; retry after " + seconds
                                    + " seconds",
                            List.of()))
                    .header("Retry-After", seconds)
                    .build();
        }
        if (outcome instanceof AuthOutcome.Rejected rejected) {
            metrics.authRefused(rejected.reason());
            String challenge =
                    rejected.reason().equals("missing") ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"";
            return Response.fromResponse(ProblemMappers.problem(
                            401, Problem.Kind.UNAUTHENTICATED, "Authentication required", rejected.detail(), List.of()))
                    .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                    .build();
        }
        Operator operator = ((AuthOutcome.Authenticated) outcome).operator();
        OperatorRole needed = required(resource);
        if (!operator.has(needed)) {
            metrics.authRefused("role");
            return ProblemMappers.problem(
                    403,
                    Problem.Kind.FORBIDDEN,
                    "Role not sufficient",
                    "this needs role " + needed + " or higher; operator key [" + operator.keyId() + "] has role "
                            + operator.role() + ". Ask an admin for a key with role "
                            + needed.name().toLowerCase(Locale.ROOT),
                    List.of());
        }
        current.set(operator);
        return null;
    }

    private static OperatorRole required(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        RequiresRole onMethod = method == null ? null : method.getAnnotation(RequiresRole.class);
        if (onMethod != null) {
            return onMethod.value();
        }
        Class<?> type = resource.getResourceClass();
        RequiresRole onClass = type == null ? null : type.getAnnotation(RequiresRole.class);
        return onClass == null ? OperatorRole.VIEWER : onClass.value();
    }
}
