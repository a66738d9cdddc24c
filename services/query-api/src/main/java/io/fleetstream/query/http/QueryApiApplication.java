package io.fleetstream.query.http;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** Describes the API in the OpenAPI document (/q/openapi, Swagger UI at /q/swagger-ui). */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Fleetstream query API",
                        version = "1",
                        description = "Operator reads over stored telemetry, window aggregates and alerts, and alert"
                                + " acknowledgement. Every /v1 endpoint needs"
                                + " Authorization: Bearer <operator API key>."),
        security = @SecurityRequirement(name = QueryApiApplication.OPERATOR_KEY))
@SecurityScheme(
        securitySchemeName = QueryApiApplication.OPERATOR_KEY,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        bearerFormat = "operator API key",
        description = "An operator API key issued by the device registry. VIEWER may read; acknowledging alerts needs"
                + " OPERATOR or ADMIN. 401 without a valid key, 403 with too small a role, 503 while the keys are"
                + " still being loaded.")
public class QueryApiApplication extends Application {

    static final String OPERATOR_KEY = "operatorKey";
}
