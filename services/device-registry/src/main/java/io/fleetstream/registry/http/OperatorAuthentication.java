package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.Actor;
import io.fleetstream.registry.domain.OperatorKeyService;
import io.fleetstream.registry.persistence.OperatorKeyEntity;
import io.fleetstream.schema.OperatorRole;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.util.Locale;
import java.util.Optional;

/**
 * Authenticates every registry API request by its operator key ({@code Authorization: Bearer <key>}) and checks the
 * key's role against {@link AccessPolicy}. Health, metrics and the OpenAPI document are not JAX-RS resources, so they
 * stay open. The key itself is never logged or echoed; log lines name the key id only.
 */
public class OperatorAuthentication {

    private static final Logger LOG = Logger.getLogger(OperatorAuthentication.class);
    private static final String BEARER = "bearer ";
    private static final String CHALLENGE = "Bearer realm=\"fleetstream-registry\"";

    private final OperatorKeyService keys;
    private final CurrentOperator current;

    public OperatorAuthentication(OperatorKeyService keys, CurrentOperator current) {
        this.keys = keys;
        this.current = current;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request, SimpleResourceInfo resource) {
        OperatorRole needed = AccessPolicy.required(request.getMethod(), resource.getResourceClass());
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return Optional.of(unauthenticated(
                    "send an operator API key as 'Authorization: Bearer <key>'; an administrator creates keys with"
                            + " POST /v1/api-keys"));
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(unauthenticated(
                    "the Authorization header must use the Bearer scheme: 'Authorization: Bearer <key>'"));
        }
        String presented = header.substring(BEARER.length()).strip();
        Optional<OperatorKeyEntity> key = presented.isEmpty() ? Optional.empty() : keys.authenticate(presented);
        if (key.isEmpty()) {
            LOG.debugf(
                    "request %s %s refused: unknown, expired or revoked operator key",
                    request.getMethod(), request.getUriInfo().getPath());
            return Optional.of(unauthenticated(
                    "the API key is unknown, expired or revoked; ask an administrator for a valid key"));
        }
        OperatorKeyEntity holder = key.get();
        if (!AccessPolicy.allows(holder.role, needed)) {
            LOG.debugf(
                    "operator key [%s] with role %s refused %s %s",
                    holder.keyId,
                    holder.role,
                    request.getMethod(),
                    request.getUriInfo().getPath());
            return Optional.of(Problem.of(
                            "forbidden",
                            "Forbidden",
                            403,
                            "this request needs role " + needed + " or higher; the key [" + holder.keyId + "] has role "
                                    + holder.role + ". Ask an administrator for a key with role "
                                    + needed.name().toUpperCase(Locale.ROOT))
                    .toResponse());
        }
        current.set(new Actor(holder.keyId, holder.name));
        return Optional.empty();
    }

    private static Response unauthenticated(String detail) {
        return Response.fromResponse(Problem.of("unauthenticated", "Unauthenticated", 401, detail)
                        .toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .build();
    }
}
