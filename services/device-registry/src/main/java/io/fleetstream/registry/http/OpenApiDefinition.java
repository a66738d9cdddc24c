package io.fleetstream.registry.http;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** Title and security scheme of the OpenAPI document at {@code /q/openapi} (Swagger UI at {@code /q/swagger-ui}). */
@OpenAPIDefinition(
        info = @Info(title = "Fleetstream device registry", version = "1", description = OpenApiDefinition.DESCRIPTION))
@SecurityScheme(
        securitySchemeName = OpenApiDefinition.SCHEME,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "An operator API key (fsk_...), created by an administrator with POST /v1/api-keys")
public class OpenApiDefinition extends Application {

    static final String DESCRIPTION = "Devices, device types, credentials, alert rules, operator API keys and the"
            + " audit log. Every endpoint needs 'Authorization: Bearer <operator API key>': VIEWER reads, OPERATOR"
            + " changes devices, credentials, types and rules, ADMIN manages API keys and reads the audit log. Errors"
            + " are application/problem+json.";

    /** Name of the bearer scheme that every resource requires. */
    static final String SCHEME = "operatorKey";
}
