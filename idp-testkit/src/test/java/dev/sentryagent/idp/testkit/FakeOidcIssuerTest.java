package dev.sentryagent.idp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

class FakeOidcIssuerTest {

    @Test
    void mintedTokenVerifiesAgainstServedJwksWithGitHubClaims() throws Exception {
        try (FakeOidcIssuer issuer = FakeOidcIssuer.start("https://aud.example")) {
            HttpResponse<String> discovery = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(issuer.issuer() + "/.well-known/openid-configuration")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(discovery.statusCode()).isEqualTo(200);
            assertThat(discovery.body()).contains("\"jwks_uri\":\"" + issuer.jwksUri() + "\"");

            HttpsJwks jwks = new HttpsJwks(issuer.jwksUri());
            JwtClaims claims = new JwtConsumerBuilder()
                    .setExpectedIssuer(issuer.issuer())
                    .setExpectedAudience("https://aud.example")
                    .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
                    .build()
                    .processToClaims(issuer.token().repository("a/b").tag("v2").mint());
            assertThat(claims.getSubject()).isEqualTo("repo:a/b:ref:refs/tags/v2");
            assertThat(claims.getStringClaimValue("repository_owner")).isEqualTo("a");
            assertThat(claims.getStringClaimValue("ref_type")).isEqualTo("tag");
            assertThat(claims.getStringClaimValue("repository_id")).isEqualTo("100");
            assertThat(claims.getJwtId()).isNotBlank();
            assertThat(issuer.jwksRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void rotateWithoutKeepingOldThenOnlyNewKeyServed() throws Exception {
        try (FakeOidcIssuer issuer = FakeOidcIssuer.start("aud")) {
            String old = issuer.currentKey().getKeyId();
            String fresh = issuer.rotateKey(false).getKeyId();
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer.jwksUri())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains(fresh).doesNotContain(old).doesNotContain("\"d\"");
        }
    }

    @Test
    void mintEndpointWhenEnabledThenTokenForTheAskedRepositoryAndTagVerifies() throws Exception {
        try (FakeOidcIssuer issuer = FakeOidcIssuer.start("aud").enableMintEndpoint()) {
            HttpResponse<String> minted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    issuer.issuer() + "/token?repository=acme/api&tag=v1.0&event=release&audience=other")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(minted.statusCode()).isEqualTo(200);
            assertThat(minted.headers().firstValue("Content-Type")).hasValue("text/plain");
            JwtClaims claims = new JwtConsumerBuilder()
                    .setExpectedIssuer(issuer.issuer())
                    .setExpectedAudience("other")
                    .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(issuer.jwksUri())))
                    .build()
                    .processToClaims(minted.body().strip());
            assertThat(claims.getSubject()).isEqualTo("repo:acme/api:ref:refs/tags/v1.0");
            assertThat(claims.getStringClaimValue("event_name")).isEqualTo("release");
        }
    }

    @Test
    void discoveryStatusWhenSetThenServedUntilReset() throws Exception {
        try (FakeOidcIssuer issuer = FakeOidcIssuer.start("aud")) {
            HttpRequest discovery = HttpRequest.newBuilder(
                    URI.create(issuer.issuer() + "/.well-known/openid-configuration")).build();
            issuer.discoveryStatus(503);
            HttpResponse<String> down = HttpClient.newHttpClient().send(discovery, HttpResponse.BodyHandlers.ofString());
            issuer.discoveryStatus(200);
            HttpResponse<String> up = HttpClient.newHttpClient().send(discovery, HttpResponse.BodyHandlers.ofString());

            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).isEqualTo("{\"error\":\"unavailable\"}");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(issuer.discoveryRequestCount()).isEqualTo(2);
        }
    }
}
