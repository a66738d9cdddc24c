package io.fleetstream.registry.http;

import io.fleetstream.schema.OperatorRole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessPolicyTest {

    @Test
    void readingNeedsViewerAndChangingNeedsOperator() {
        assertThat(AccessPolicy.required("GET", DeviceResource.class)).isEqualTo(OperatorRole.VIEWER);
        assertThat(AccessPolicy.required("HEAD", AlertRuleResource.class)).isEqualTo(OperatorRole.VIEWER);
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            assertThat(AccessPolicy.required(method, DeviceTypeResource.class)).isEqualTo(OperatorRole.OPERATOR);
        }
    }

    @Test
    void keysAndAuditNeedAdminWhateverTheMethod() {
        assertThat(AccessPolicy.required("GET", OperatorKeyResource.class)).isEqualTo(OperatorRole.ADMIN);
        assertThat(AccessPolicy.required("POST", OperatorKeyResource.class)).isEqualTo(OperatorRole.ADMIN);
        assertThat(AccessPolicy.required("GET", AuditResource.class)).isEqualTo(OperatorRole.ADMIN);
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
