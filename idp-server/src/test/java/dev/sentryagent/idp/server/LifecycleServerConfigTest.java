package dev.sentryagent.idp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.TrustedProxies;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server variables of the token lifecycle: introspection secret, audit retention, trusted proxies. */
class LifecycleServerConfigTest {
    static final String ADMIN = "lifecycle-config-admin-secret-0123456789";
    static final String INTROSPECTION = "lifecycle-config-introspection-012345678";

    @Test
    void defaultsThenNoIntrospectionTokenThirtyDaysAndNoTrustedProxy() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of());
        assertThat(c.introspectionToken()).isNull();
        assertThat(c.auditRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(c.trustedProxies()).isSameAs(TrustedProxies.NONE);
    }

    @Test
    void valuesThenParsedAndSecretNeverShown() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("IDP_INTROSPECTION_TOKEN", INTROSPECTION,
                "IDP_AUDIT_RETENTION", "P7D", "IDP_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16"));
        assertThat(c.introspectionToken().matches(INTROSPECTION)).isTrue();
        assertThat(c.auditRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.trustedProxies().contains("192.168.7.7")).isTrue();
        assertThat(c.toString()).doesNotContain(INTROSPECTION).contains("introspection=true")
                .contains("auditRetention=PT168H");
        assertThat(ServerConfig.fromEnvironment(Map.of("IDP_INTROSPECTION_TOKEN", AdminToken.hashOf(INTROSPECTION)))
                .introspectionToken().matches(INTROSPECTION)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IDP_INTROSPECTION_TOKEN|short|IDP_INTROSPECTION_TOKEN: introspection token must be at least 32 characters (or sha256:<hex> of one), got 5",
            "IDP_AUDIT_RETENTION|30d|IDP_AUDIT_RETENTION must be an ISO-8601 duration such as PT15M, got \"30d\"",
            "IDP_AUDIT_RETENTION|PT5M|IDP_AUDIT_RETENTION must be between PT1H and PT87600H, got PT5M",
            "IDP_TRUSTED_PROXIES|proxy.internal|IDP_TRUSTED_PROXIES: \"proxy.internal\" is not an IP address or CIDR range; give comma-separated IP addresses or CIDR ranges",
            "IDP_TRUSTED_PROXIES|10.0.0.0/33|IDP_TRUSTED_PROXIES: \"10.0.0.0/33\" is not an IP address or CIDR range; give comma-separated IP addresses or CIDR ranges"})
    void badValueThenOneSentenceNamingTheVariable(String variable, String value, String message) {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void introspectionTokenSameAsAdminTokenThenRefused() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("IDP_ADMIN_TOKEN", ADMIN,
                "IDP_INTROSPECTION_TOKEN", ADMIN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("IDP_INTROSPECTION_TOKEN must differ from IDP_ADMIN_TOKEN");
    }
}
