package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.math.BigInteger;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import org.jose4j.jws.EcdsaUsingShaAlgorithm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A faster crypto provider must not accept what the JDK refuses. Every test here runs in the
 * suite's two runs, with the JDK's providers and with Amazon Corretto Crypto Provider first
 * ({@code -Didp.test.crypto=accp}, which the server installs by default): non-canonical ES256
 * signatures on our own access tokens ({@code POST /api/v1/agents} verifies them) and RS256 oddities
 * on GitHub-style tokens (the exchange verifies them), over HTTP against the real server.
 */
class NonCanonicalSignaturesHttpTest extends ServerFixture {
    static final String ADMIN = "accp-admin-secret-0123456789-abcdefghij";
    static final String NOT_OURS = "The access token was not issued by this IdP or is malformed";
    /** The order n of P-256's base point. */
    static final BigInteger N = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder B64D = Base64.getUrlDecoder();

    final String repository = "octo-org/repo-" + UUID.randomUUID().toString().substring(0, 8);

    NonCanonicalSignaturesHttpTest() {
        super(ADMIN);
    }

    @Override
    ServerConfig config(String[] db, String githubIssuer) {
        return config(db, AdminToken.parse(AdminToken.hashOf(ADMIN)), githubIssuer);
    }

    @BeforeAll
    void createData() {
        assertThat(http.postJson("/api/v1/oidc/trust-policies", map("repository", repository), ADMIN).status())
                .isEqualTo(201);
    }

    // ---- ES256: our access tokens, raw R || S of 32 + 32 bytes (RFC 7518, section 3.4)

    @Test
    void registerAgentWithUntouchedTokenThenCreated() {
        assertThat(registerAgentWith(accessToken()).status()).isEqualTo(201);
    }

    @Test
    void registerAgentWhenRAndSAreZeroThenRefused() {
        // CVE-2022-21449 ("psychic signatures"): JDK 15-18 before the April 2022 update accepted r = s = 0.
        assertRefused(withEcdsa(accessToken(), BigInteger.ZERO, BigInteger.ZERO));
    }

    @Test
    void registerAgentWhenROrSIsZeroThenRefused() {
        String token = accessToken();
        assertRefused(withEcdsa(token, BigInteger.ZERO, s(token)));
        assertRefused(withEcdsa(token, r(token), BigInteger.ZERO));
    }

    @Test
    void registerAgentWhenROrSIsTheGroupOrderOrAboveThenRefused() {
        String token = accessToken();
        BigInteger max = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
        assertRefused(withEcdsa(token, N, s(token)));
        assertRefused(withEcdsa(token, r(token), N));
        assertRefused(withEcdsa(token, max, s(token)));
        assertRefused(withEcdsa(token, r(token), max));
        // r + n and s + n equal r and s modulo n: a verifier that reduced instead of refusing would accept them
        // (they fit 32 bytes only when r or s < 2^256 - n, about 2^224: then they must be refused as well).
        if (r(token).add(N).compareTo(max) <= 0) {
            assertRefused(withEcdsa(token, r(token).add(N), s(token)));
        }
        if (s(token).add(N).compareTo(max) <= 0) {
            assertRefused(withEcdsa(token, r(token), s(token).add(N)));
        }
    }

    @Test
    void registerAgentWhenSignatureHasTheWrongLengthThenRefused() {
        String token = accessToken();
        byte[] raw = signature(token);
        assertRefused(withSignature(token, new byte[0]));
        assertRefused(withSignature(token, Arrays.copyOf(raw, 63)));
        assertRefused(withSignature(token, Arrays.copyOf(raw, 65)));
        assertRefused(withSignature(token, concat(new byte[] {0}, raw))); // same r and s, shifted by one byte
        assertRefused(withSignature(token, concat(raw, raw)));
        assertRefused(withSignature(token, concat(pad(r(token), 33), pad(s(token), 33)))); // same integers, 66 bytes
    }

    @Test
    void registerAgentWhenSignatureIsDerInsteadOfRawThenRefused() throws Exception {
        // What Signature.sign() returns (ASN.1 SEQUENCE of two INTEGERs), not the JWS encoding.
        String token = accessToken();
        assertRefused(withSignature(token, EcdsaUsingShaAlgorithm.convertConcatenatedToDer(signature(token))));
    }

    /**
     * ECDSA signatures are malleable: when (r, s) verifies, so does (r, n - s). RFC 7518 does not
     * ask for "low S" and neither the JDK (SunEC) nor ACCP (AWS-LC) refuses the other half, so both
     * accept it, consistently. We accept it too: an access token is identified by its claims (jti,
     * sub), never by its signature bytes, so a second encoding of the same token grants nothing
     * the first did not (docs/benchmarks.md, "ACCP and the JDK agree on what they refuse").
     */
    @Test
    void registerAgentWhenSIsReplacedByNMinusSThenAcceptedAsTheSameToken() {
        String token = accessToken();
        String other = withEcdsa(token, r(token), N.subtract(s(token)));
        assertThat(other).isNotEqualTo(token);
        Http.Response r = registerAgentWith(other);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    // ---- RS256: GitHub-style tokens at the exchange

    @Test
    void exchangeWhenIssuerPublishesA1024BitKeyThenRefused() {
        try (FakeOidcIssuer weak = FakeOidcIssuer.start(IDP)) {
            weak.rotateKey(false, 1024);
            IdpServer other = IdpServer.start(config(h2("weak"), weak.issuer()));
            try {
                Http client = new Http("http://127.0.0.1:" + other.port());
                client.postJson("/api/v1/oidc/trust-policies", map("repository", repository), ADMIN);
                Http.Response r = client.exchange(weak.token().repository(repository).mint(), null);
                assertThat(r.status()).as(r.body()).isEqualTo(401);
                assertThat(r.error()).isEqualTo("invalid_token");
                // jose4j refuses an RSA key under 2048 bits before any provider sees it (CompactJws.verify)
                assertThat(r.description()).isEqualTo("The OIDC token's signature does not verify with the issuer's "
                        + "key \"fake-github-key-2\"");
            } finally {
                other.close();
            }
        }
    }

    @Test
    void exchangeWhenRsaSignatureHasTheWrongLengthThenRefused() {
        String token = github.token().repository(repository).mint();
        byte[] raw = signature(token);
        assertThat(raw).hasSize(256);
        String kid = github.currentKey().getKeyId();
        String verifyFails = "The OIDC token's signature does not verify with the issuer's key \"" + kid + "\"";
        assertExchangeRefused(withSignature(token, concat(new byte[] {0}, raw)), verifyFails); // same integer, 257 bytes
        assertExchangeRefused(withSignature(token, Arrays.copyOf(raw, 257)), verifyFails);
        assertExchangeRefused(withSignature(token, Arrays.copyOfRange(raw, 1, 256)), verifyFails);
        assertExchangeRefused(withSignature(token, new byte[0]), verifyFails);
        byte[] modulus = pad(github.currentKey().getRsaPublicKey().getModulus(), 256);
        assertExchangeRefused(withSignature(token, modulus), verifyFails); // s = n, out of range
        Http.Response control = http.exchange(token, null);
        assertThat(control.status()).as(control.body()).isEqualTo(200);
    }

    @Test
    void signaturesAreVerifiedByTheProviderTheRunNames() throws Exception {
        boolean accp = "accp".equals(System.getProperty("idp.test.crypto"));
        assertThat(Signature.getInstance("SHA256withECDSA").getProvider().getName())
                .isEqualTo(accp ? "AmazonCorrettoCryptoProvider" : "SunEC");
    }

    // ---- helpers

    String accessToken() {
        Http.Response r = http.exchange(github.token().repository(repository).mint(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("access_token").asText();
    }

    Http.Response registerAgentWith(String token) {
        return http.postJson("/api/v1/agents", map("name", "bot-" + UUID.randomUUID().toString().substring(0, 8)), token);
    }

    void assertRefused(String token) {
        Http.Response r = registerAgentWith(token);
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_token");
        assertThat(r.description()).isEqualTo(NOT_OURS);
    }

    void assertExchangeRefused(String token, String description) {
        Http.Response r = http.exchange(token, null);
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_token");
        assertThat(r.description()).isEqualTo(description);
    }

    static byte[] signature(String token) {
        return B64D.decode(token.substring(token.lastIndexOf('.') + 1));
    }

    static String withSignature(String token, byte[] signature) {
        return token.substring(0, token.lastIndexOf('.') + 1) + B64.encodeToString(signature);
    }

    static BigInteger r(String token) {
        return new BigInteger(1, Arrays.copyOfRange(signature(token), 0, 32));
    }

    static BigInteger s(String token) {
        return new BigInteger(1, Arrays.copyOfRange(signature(token), 32, 64));
    }

    static String withEcdsa(String token, BigInteger r, BigInteger s) {
        return withSignature(token, concat(pad(r, 32), pad(s, 32)));
    }

    /** {@code value} big-endian, unsigned, left-padded with zeros to {@code length} bytes. */
    static byte[] pad(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > length ? bytes.length - length : 0; // toByteArray's sign byte
        byte[] out = new byte[length];
        System.arraycopy(bytes, skip, out, length - (bytes.length - skip), bytes.length - skip);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
