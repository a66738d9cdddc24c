package io.fleetstream.registry.http;

import io.fleetstream.schema.OperatorRole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessPolicyTest {

    @Test
    void readingNeedsViewerAndChangingNeedsOperator() {
        assertThat(AccessPolicy.required("GET", "/v1/devices")).isEqualTo(OperatorRole.VIEWER);
        assertThat(AccessPolicy.required("HEAD", "v1/alert-rules/r1")).isEqualTo(OperatorRole.VIEWER);
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            assertThat(AccessPolicy.required(method, "/v1/devices/d1")).isEqualTo(OperatorRole.OPERATOR);
        }
    }

    @Test
    void keysAndAuditNeedAdminWhateverTheMethod() {
        assertThat(AccessPolicy.required("GET", "/v1/api-keys")).isEqualTo(OperatorRole.ADMIN);
        assertThat(AccessPolicy.required("POST", "/v1/api-keys/k1/revoke")).isEqualTo(OperatorRole.ADMIN);
        assertThat(AccessPolicy.required("GET", "/v1/audit")).isEqualTo(OperatorRole.ADMIN);
    }

    @Test
    void higherRolesIncludeLowerOnes() {
        assertThat(AccessPolicy.allows(OperatorRole.ADMIN, OperatorRole.OPERATOR))
                .isTrue();
        assertThat(AccessPolicy.allows(OperatorRole.OPERATOR, OperatorRole.VIEWER))
                .isTrue();
        assertThat(AccessPolicy.allows(OperatorRole.OPERATOR, OperatorRole.ADMIN))
                .isFalse();
        assertThat(AccessPolicy.allows(OperatorRole.VIEWER, OperatorRole.OPERATOR))
                .isFalse();
    }
}
