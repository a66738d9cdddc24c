package io.fleetstream.query.http;

import io.fleetstream.query.domain.Problem;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Refusals the HTTP layer makes that the API tests cannot provoke: each still carries its urn type. */
class ProblemKindsTest {

    private static Problem refusal(int status, String reason) {
        Response response = ProblemMappers.refusal(status, reason);
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getMediaType()).hasToString("application/problem+json");
        return (Problem) response.getEntity();
    }

    @Test
    void unsupportedMediaTypeSaysToSendJson() {
        Problem problem = refusal(415, "Unsupported Media Type");
        assertThat(problem.type()).isEqualTo("urn:fleetstream:problem:unsupported-media-type");
        assertThat(problem.detail()).contains("Content-Type: application/json");
    }

    @Test
    void otherClientErrorsAreClientErrorsWithTheirOwnStatus() {
        Problem problem = refusal(413, "Request Entity Too Large");
        assertThat(problem.type()).isEqualTo("urn:fleetstream:problem:client-error");
        assertThat(problem.status()).isEqualTo(413);
    }

    @Test
    void serverErrorsNameNoInternals() {
        Problem problem = refusal(500, "Internal Server Error");
        assertThat(problem.type()).isEqualTo("urn:fleetstream:problem:internal-error");
        assertThat(problem.detail()).isEqualTo("the request failed on the server; it has been logged");
    }
}
