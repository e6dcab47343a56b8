package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every attack step 2 of the exchange stops, each with its own failure code. */
class GitHubProviderVerificationTest {
    static final String AUDIENCE = "https://idp.example.test";
    static FakeOidcIssuer issuer;
    static GitHubProvider provider;

    @BeforeAll
    static void start() {
        issuer = FakeOidcIssuer.start(AUDIENCE);
        provider = GitHubProvider.builder().issuer(issuer.issuer()).audience(AUDIENCE).build();
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    static void assertRefused(String token, TokenFailure failure, String message) {
        assertThatThrownBy(() -> provider.verify(token))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                    assertThat(e.failure()).isEqualTo(failure);
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
                    assertThat(e.getMessage()).startsWith(message);
                    if (token.length() > 20) {
                        assertThat(e.getMessage()).doesNotContain(token);
                    }
                });
    }

    static void assertRefusedExactly(String token, TokenFailure failure, String message) {
        assertRefused(token, failure, message);
        assertThatThrownBy(() -> provider.verify(token)).hasMessage(message);
    }

    @Test
    void verifyWhenTokenValidThenIdentityCarriesGitHubClaims() {
        String token = issuer.token().repository("Octo-Org/Octo-Repo").branch("release/1.x").environment("prod")
                .repositoryId(11).repositoryOwnerId(22).jti("jti-1").refProtected(true)
                .reusableWorkflow("octo-org/shared", ".github/workflows/release.yml", "refs/tags/v2").mint();

        WorkloadIdentity identity = provider.verify(token);

        assertThat(identity.provider()).isEqualTo("github");
        assertThat(identity.issuer()).isEqualTo(issuer.issuer());
        assertThat(identity.subject()).isEqualTo("repo:Octo-Org/Octo-Repo:ref:refs/heads/release/1.x");
        assertThat(identity.repository()).isEqualTo("Octo-Org/Octo-Repo");
        assertThat(identity.claims()).containsEntry("repository_owner", "Octo-Org").containsEntry("actor", "octocat")
                .containsEntry("run_id", "4242").containsEntry("run_attempt", "1").containsKey("sha");
        assertThat(identity.repositoryId()).isEqualTo(11);
        assertThat(identity.repositoryOwnerId()).isEqualTo(22);
        assertThat(identity.ref()).isEqualTo("refs/heads/release/1.x");
        assertThat(identity.refType()).isEqualTo("branch");
        assertThat(identity.branch()).contains("release/1.x");
        assertThat(identity.environment()).isEqualTo("prod");
        assertThat(identity.event()).isEqualTo("push");
        assertThat(identity.workflow()).isEqualTo(".github/workflows/ci.yml");
        assertThat(identity.claims()).containsEntry("workflow_ref",
                "Octo-Org/Octo-Repo/.github/workflows/ci.yml@refs/heads/release/1.x");
        assertThat(identity.jobWorkflowRef()).isEqualTo("octo-org/shared/.github/workflows/release.yml@refs/tags/v2");
        assertThat(identity.refProtected()).isTrue();
        assertThat(identity.runnerEnvironment()).isEqualTo("github-hosted");
        assertThat(identity.jti()).isEqualTo("jti-1");
        assertThat(identity.expiresAt()).isAfter(identity.issuedAt());
    }

    @Test
    void verifyWhenTagThenNoBranch() {
        assertThat(provider.verify(issuer.token().tag("v1.0").mint()).branch()).isEmpty();
    }

    @Test
    void verifyWhenAlgNoneThenAlgorithm() {
        assertRefused(issuer.token().forgeAlgNone(), TokenFailure.ALGORITHM,
                "The OIDC token's algorithm \"none\" is not allowed: tokens of provider github must be RS256");
    }

    @Test
    void verifyWhenHmacKeyedWithPublicKeyThenAlgorithm() {
        assertRefused(issuer.token().forgeHmacWithPublicKey(), TokenFailure.ALGORITHM,
                "The OIDC token's algorithm \"HS256\" is not allowed");
    }

    @Test
    void verifyWhenOtherAsymmetricAlgorithmThenAlgorithm() {
        assertRefused(issuer.token().forgeAlgorithm("PS256"), TokenFailure.ALGORITHM,
                "The OIDC token's algorithm \"PS256\" is not allowed");
    }

    @Test
    void verifyWhenSignedByUnknownKeyWithKnownKidThenSignature() {
        assertRefused(issuer.token().forgeUnknownKeyWithKnownKid(), TokenFailure.SIGNATURE,
                "The OIDC token's signature does not verify with the issuer's key \"" + issuer.currentKey().getKeyId() + "\"");
    }

    @Test
    void verifyWhenSignatureTamperedThenSignature() {
        String token = issuer.token().mint();
        String[] parts = token.split("\\.");
        String otherPayload = issuer.token().repository("evil/repo").mint().split("\\.")[1];
        assertRefused(parts[0] + "." + otherPayload + "." + parts[2], TokenFailure.SIGNATURE,
                "The OIDC token's signature does not verify");
    }

    @Test
    void verifyWhenHeaderKnownFromAVerifiedTokenThenSignatureStillChecked() {
        String good = issuer.token().mint();
        provider.verify(good); // its header is now parsed once and remembered
        String[] parts = good.split("\\.");
        String otherPayload = issuer.token().repository("evil/repo").mint().split("\\.")[1];
        assertRefused(parts[0] + "." + otherPayload + "." + parts[2], TokenFailure.SIGNATURE,
                "The OIDC token's signature does not verify with the issuer's key \"" + issuer.currentKey().getKeyId() + "\"");
        assertRefused(parts[0] + "." + parts[1] + ".", TokenFailure.SIGNATURE, "The OIDC token's signature does not verify");
    }

    @Test
    void verifyWhenHeaderKnownFromAVerifiedTokenThenClaimsStillChecked() {
        provider.verify(issuer.token().mint());
        String expired = issuer.token().expired().mint();
        assertThat(expired.split("\\.")[0]).isEqualTo(issuer.token().mint().split("\\.")[0]);
        assertRefused(expired, TokenFailure.EXPIRED, "The OIDC token expired at ");
    }

    @Test
    void verifyWhenSignatureNotBase64UrlThenMalformed() {
        String[] parts = issuer.token().mint().split("\\.");
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(1) + "*", TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }

    @Test
    void verifyWhenSignatureTruncatedThenSignature() {
        String[] parts = issuer.token().mint().split("\\.");
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(4), TokenFailure.SIGNATURE,
                "The OIDC token's signature does not verify");
    }

    @Test
    void verifyWhenClaimsNotBase64UrlThenMalformed() {
        String[] parts = issuer.token().mint().split("\\.");
        assertRefused(parts[0] + ".e30+/." + parts[2], TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
        assertRefused(parts[0] + ".e30AA." + parts[2], TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }

    @Test
    void verifyWhenKidNotAStringThenMissingKid() {
        assertRefused(issuer.token().header("kid", 42).mint(), TokenFailure.MISSING_KID,
                "The OIDC token has no \"kid\" header");
    }

    @Test
    void verifyWhenHeaderIsJsonButNotAnObjectThenMalformed() {
        assertRefused("WzFd.e30.AAAA", TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT: its header is not base64url JSON");
    }

    @Test
    void verifyWhenEmbeddedJwkHeaderThenForbiddenHeader() {
        assertRefused(issuer.token().forgeEmbeddedJwk(), TokenFailure.FORBIDDEN_HEADER,
                "The OIDC token carries a \"jwk\" header, which is refused");
    }

    @Test
    void verifyWhenJkuHeaderThenForbiddenHeaderAndNothingFetched() {
        assertRefused(issuer.token().forgeJku("http://127.0.0.1:1/evil-jwks"), TokenFailure.FORBIDDEN_HEADER,
                "The OIDC token carries a \"jku\" header, which is refused");
    }

    @Test
    void verifyWhenX5uHeaderThenForbiddenHeader() {
        assertRefused(issuer.token().header("x5u", "https://evil.example/cert.pem").mint(),
                TokenFailure.FORBIDDEN_HEADER, "The OIDC token carries a \"x5u\" header, which is refused");
    }

    @Test
    void verifyWhenCritHeaderThenForbiddenHeader() {
        assertRefused(issuer.token().header("crit", java.util.List.of("exp")).mint(),
                TokenFailure.FORBIDDEN_HEADER, "The OIDC token carries a \"crit\" header, which is refused");
    }

    @Test
    void verifyWhenNoKidThenMissingKid() {
        assertRefused(issuer.token().withoutKid().mint(), TokenFailure.MISSING_KID,
                "The OIDC token has no \"kid\" header");
    }

    @Test
    void verifyWhenKidUnknownThenUnknownKey() {
        assertRefused(issuer.token().kid("no-such-key").mint(), TokenFailure.UNKNOWN_KEY,
                "The OIDC token's key id \"no-such-key\" is not in the signing keys of issuer " + issuer.issuer());
    }

    @Test
    void verifyWhenExpiredThenExpired() {
        assertRefused(issuer.token().expired().mint(), TokenFailure.EXPIRED, "The OIDC token expired at ");
    }

    @Test
    void verifyWhenExpiredWithinSkewThenAccepted() {
        String token = issuer.token().issuedAt(Instant.now().minusSeconds(100)).lifetime(Duration.ofSeconds(70)).mint();
        assertThat(provider.verify(token).repository()).isEqualTo("octo-org/octo-repo");
    }

    @Test
    void verifyWhenNotBeforeAheadThenNotYetValid() {
        assertRefused(issuer.token().notYetValid().mint(), TokenFailure.NOT_YET_VALID,
                "The OIDC token is not valid before ");
    }

    @Test
    void verifyWhenIssuedInFutureThenIssuedInFuture() {
        String token = issuer.token().issuedAt(Instant.now().plus(Duration.ofMinutes(10))).without("nbf").mint();
        assertRefused(token, TokenFailure.ISSUED_IN_FUTURE, "The OIDC token was issued in the future, at ");
    }

    @Test
    void verifyWhenIssuerDiffersThenIssuer() {
        assertRefused(issuer.token().issuer("https://token.actions.githubusercontent.com").mint(), TokenFailure.ISSUER,
                "The OIDC token's issuer \"https://token.actions.githubusercontent.com\" is not the configured issuer \""
                        + issuer.issuer() + "\"");
    }

    @Test
    void verifyWhenAudienceDiffersThenAudience() {
        assertRefused(issuer.token().audience("https://github.com/octo-org").mint(), TokenFailure.AUDIENCE,
                "The OIDC token's audience \"https://github.com/octo-org\" is not exactly \"" + AUDIENCE + "\"");
    }

    @Test
    void verifyWhenSeveralAudiencesThenAudience() {
        assertRefused(issuer.token().audience(AUDIENCE, "https://other.example").mint(), TokenFailure.AUDIENCE,
                "The OIDC token's audience \"" + AUDIENCE + ",https://other.example\" is not exactly");
    }

    @Test
    void verifyWhenNoAudienceThenAudience() {
        assertRefused(issuer.token().without("aud").mint(), TokenFailure.AUDIENCE, "The OIDC token's audience \"\"");
    }

    @Test
    void verifyWhenNoJtiThenMissingClaim() {
        assertRefused(issuer.token().without("jti").mint(), TokenFailure.MISSING_CLAIM,
                "The OIDC token has no \"jti\" claim");
    }

    @Test
    void verifyWhenNoExpThenMissingClaim() {
        assertRefused(issuer.token().without("exp").mint(), TokenFailure.MISSING_CLAIM,
                "The OIDC token has no \"exp\" claim");
    }

    @Test
    void verifyWhenRepositoryIdNotNumericThenInvalidClaim() {
        assertRefusedExactly(issuer.token().claim("repository_id", "abc").mint(), TokenFailure.INVALID_CLAIM,
                "The OIDC token's \"repository_id\" claim is not a positive number");
    }

    @Test
    void verifyWhenActorIsAnArrayThenInvalidClaimSayingWrongType() {
        assertRefusedExactly(issuer.token().claim("actor", java.util.List.of("octocat")).mint(),
                TokenFailure.INVALID_CLAIM, "The OIDC token's \"actor\" claim has the wrong type: it must be a string");
    }

    @Test
    void verifyWhenJtiIsAnObjectThenInvalidClaimSayingWrongType() {
        assertRefusedExactly(issuer.token().claim("jti", java.util.Map.of("id", "1")).mint(),
                TokenFailure.INVALID_CLAIM, "The OIDC token's \"jti\" claim has the wrong type: it must be a string");
    }

    @Test
    void verifyWhenExpIsAStringThenInvalidClaimSayingWrongType() {
        assertRefusedExactly(issuer.token().claim("exp", "tomorrow").mint(), TokenFailure.INVALID_CLAIM,
                "The OIDC token's \"exp\" claim has the wrong type: it must be a number");
    }

    @Test
    void verifyWhenAudIsANumberThenInvalidClaimSayingWrongType() {
        assertRefusedExactly(issuer.token().claim("aud", 42).mint(), TokenFailure.INVALID_CLAIM,
                "The OIDC token's \"aud\" claim has the wrong type: it must be a string or an array of strings");
    }

    @Test
    void verifyWhenGarbageThenMalformed() {
        assertRefused("not-a-jwt", TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }

    @Test
    void verifyWhenHeaderNotJsonThenMalformed() {
        assertRefused("e30K.e30K.AAAA".replace("e30K", "bm90LWpzb24"), TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT: its header is not base64url JSON");
    }

    @Test
    void verifyWhenOversizedThenTooLarge() {
        String token = issuer.token().claim("padding", "x".repeat(20_000)).mint();
        assertRefused(token, TokenFailure.TOO_LARGE, "The OIDC token is larger than 16384 characters");
    }

    @Test
    void verifyWhenEmptyThenMalformed() {
        assertRefused(" ", TokenFailure.MALFORMED, "The OIDC token is empty");
    }

    // ---- strict compact form and claim ranges (contract v2)

    @Test
    void verifyWhenSignatureHasBase64PaddingThenMalformed() {
        assertRefused(issuer.token().forgePaddedSignature(), TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }

    @Test
    void verifyWhenHeaderOrClaimsPartHasPaddingThenMalformed() {
        String[] parts = issuer.token().mint().split("\\.");
        assertRefused(parts[0] + "=." + parts[1] + "." + parts[2], TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
        assertRefused(parts[0] + "." + parts[1] + "==." + parts[2], TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }

    @Test
    void verifyWhenClaimsAreNotValidUtf8ThenMalformed() {
        assertRefused(issuer.token().forgeInvalidUtf8Claims(), TokenFailure.MALFORMED,
                "The OIDC token's claims are not base64url UTF-8");
    }

    @Test
    void verifyWhenHeaderIsNotValidUtf8ThenMalformed() {
        byte[] header = "{\"alg\":\"RS256\",\"kid\":\"k\u00ff\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(header) + ".e30.AAAA";
        assertRefused(token, TokenFailure.MALFORMED, "The OIDC token is not a signed JWT: its header is not base64url JSON");
    }

    @Test
    void verifyWhenExpBeyondYear9999ThenMalformed() {
        assertRefused(issuer.token().claim("exp", 9e15).mint(), TokenFailure.MALFORMED,
                "The OIDC token's \"exp\" claim is out of range (0 to the year 9999)");
    }

    @Test
    void verifyWhenIatNegativeThenMalformed() {
        assertRefused(issuer.token().claim("iat", -1).mint(), TokenFailure.MALFORMED,
                "The OIDC token's \"iat\" claim is out of range (0 to the year 9999)");
    }

    @Test
    void verifyWhenNbfHugeThenMalformed() {
        assertRefused(issuer.token().claim("nbf", 1e300).mint(), TokenFailure.MALFORMED,
                "The OIDC token's \"nbf\" claim is out of range (0 to the year 9999)");
    }

    @Test
    void verifyWhenJtiLongerThan256ThenMalformed() {
        assertRefused(issuer.token().jti("j".repeat(257)).mint(), TokenFailure.MALFORMED,
                "The OIDC token's \"jti\" claim is longer than 256 characters");
        assertThat(provider.verify(issuer.token().jti("j".repeat(256)).mint()).jti()).hasSize(256);
    }

    @Test
    void verifyWhenSignatureSpelledWithNonZeroUnusedBitsThenMalformed() {
        String token = issuer.token().mint();
        int dot = token.lastIndexOf('.');
        String signature = token.substring(dot + 1); // 342 characters for RS256: 4 bits of the last one are unused
        char last = signature.charAt(signature.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBytes = alphabet.charAt(alphabet.indexOf(last) | 1);
        assertThat(sameBytes).isNotEqualTo(last);
        String respelled = token.substring(0, dot + 1) + signature.substring(0, signature.length() - 1) + sameBytes;
        assertRefused(respelled, TokenFailure.MALFORMED,
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }
}
