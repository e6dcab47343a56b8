package dev.sentryagent.idp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {
    static final String KEK = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void defaultsFollowTheContract() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.issuer()).isEqualTo("http://localhost:8080");
        assertThat(c.audience()).isEqualTo("http://localhost:8080");
        assertThat(c.dbUrl()).isEqualTo("jdbc:h2:file:./data/idp");
        assertThat(c.adminToken()).isNull();
        assertThat(c.githubIssuer()).isEqualTo("https://token.actions.githubusercontent.com");
        assertThat(c.githubJwksUrl()).isNull();
        assertThat(c.tokenTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void hostAndRequestTimeoutRead() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("IDP_HOST", "127.0.0.1", "IDP_REQUEST_TIMEOUT", "PT3S"));
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(ServerConfig.fromEnvironment(Map.of("IDP_HOST", "::1")).host()).isEqualTo("::1");
    }

    @Test
    void whenIssuerNotLoopbackAndNoKeyEncryptionKeyThenRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("IDP_ISSUER", "https://idp.example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("IDP_KEY_ENCRYPTION_KEY is required when IDP_ISSUER is not a loopback URL: it wraps the "
                        + "private signing keys at rest (e.g. openssl rand -base64 32)");
        assertThat(ServerConfig.fromEnvironment(Map.of("IDP_ISSUER", "https://127.0.0.1:8443")).keyEncryptionKey())
                .isNull();
    }

    @Test
    void issuerDefaultFollowsPortAndAudienceFollowsIssuer() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("IDP_PORT", "9090", "IDP_ISSUER", "https://idp.example.com",
                "IDP_KEY_ENCRYPTION_KEY", KEK));
        assertThat(c.issuer()).isEqualTo("https://idp.example.com");
        assertThat(c.audience()).isEqualTo("https://idp.example.com");
        assertThat(ServerConfig.fromEnvironment(Map.of("IDP_PORT", "9090")).issuer()).isEqualTo("http://localhost:9090");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IDP_PORT|http|IDP_PORT must be a number between 0 and 65535, got \"http\"",
            "IDP_PORT|70000|IDP_PORT must be a number between 0 and 65535, got \"70000\"",
            "IDP_ISSUER|idp.example.com|IDP_ISSUER must be an absolute http(s) URL, got \"idp.example.com\"",
            "IDP_ISSUER|http://idp.example.com|IDP_ISSUER must use https (plain http only on loopback), got \"http://idp.example.com\"",
            "IDP_ISSUER|https://idp.example.com/|IDP_ISSUER must not end with '/', got \"https://idp.example.com/\"",
            "IDP_DB_URL|jdbc:mysql://db/idp?password=secret|IDP_DB_URL must be an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...) JDBC URL, got \"jdbc:mysql://db/idp\"",
            "IDP_ADMIN_TOKEN|short|IDP_ADMIN_TOKEN: admin token must be at least 32 characters (or sha256:<hex> of one), got 5",
            "IDP_ADMIN_TOKEN|sha256:abc|IDP_ADMIN_TOKEN: admin token hash must be sha256: followed by 64 hex digits",
            "IDP_GITHUB_ISSUER|http://github.example.com|IDP_GITHUB_ISSUER must use https (plain http only on loopback), got \"http://github.example.com\"",
            "IDP_GITHUB_JWKS_URL|ftp://x/jwks|IDP_GITHUB_JWKS_URL must be an absolute http(s) URL, got \"ftp://x/jwks\"",
            "IDP_TOKEN_TTL|15m|IDP_TOKEN_TTL must be an ISO-8601 duration such as PT15M, got \"15m\"",
            "IDP_TOKEN_TTL|PT2H|IDP_TOKEN_TTL must be between PT1M and PT1H, got PT2H",
            "IDP_CLOCK_SKEW|PT10M|IDP_CLOCK_SKEW must be between PT0S and PT5M, got PT10M",
            "IDP_SIGNING_ALGORITHM|HS256|IDP_SIGNING_ALGORITHM must be one of ES256, ES384, RS256, EdDSA",
            "IDP_KEY_ENCRYPTION_KEY|c2hvcnQ=|IDP_KEY_ENCRYPTION_KEY must be 32 bytes in base64 (e.g. openssl rand -base64 32)",
            "IDP_HOST|not a host|IDP_HOST must be an IP address or host name to bind to, got \"not a host\"",
            "IDP_REQUEST_TIMEOUT|10s|IDP_REQUEST_TIMEOUT must be an ISO-8601 duration such as PT15M, got \"10s\"",
            "IDP_REQUEST_TIMEOUT|PT0S|IDP_REQUEST_TIMEOUT must be between PT1S and PT5M, got PT0S"})
    void badValueThenOneSentenceNamingTheVariable(String variable, String value, String message) {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void secretsNeverShownInToString() {
        String secret = "a-very-secret-admin-token-of-32-chars!!";
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("IDP_ADMIN_TOKEN", secret, "IDP_DB_PASSWORD", "dbpass123"));
        assertThat(c.toString()).doesNotContain(secret).doesNotContain("dbpass123").contains("admin=true");
    }
}
