package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.benchmarks.CryptoProvider;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cryptography an exchange cannot avoid: one RS256 verification of GitHub's token and one
 * signature of ours, each with the compact-JWS framing the server uses ({@code CompactJws}: split,
 * Base64url, jose4j's algorithm). {@code ceiling} (both, on 2 threads) is the most exchanges per
 * second this machine could ever do; the end-to-end numbers are quoted as a fraction of it.
 *
 * <p>In idp-core's internal package because it measures internals ({@code CompactJws}) directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBenchmark {
    private static final JsonWebSignatureAlgorithm RS256 = CompactJws.algorithm("RS256");
    private static final String IDP = "http://localhost:8080";
    private static final String REPOSITORY = "octo-org/octo-repo";

    @Param({"ES256", "ES384", "RS256", "EDDSA"})
    public String algorithm;

    private FakeOidcIssuer github;
    private GitHubProvider provider;
    private String githubToken;
    private PublicKey githubKey;
    private SigningAlgorithm signing;
    private KeyPair ours;

    @Setup
    public void setUp() {
        CryptoProvider.fromProperty();
        github = FakeOidcIssuer.start(IDP);
        provider = GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build();
        githubToken = github.token().repository(REPOSITORY).lifetime(Duration.ofHours(2)).mint();
        githubKey = github.currentKey().getPublicKey();
        provider.verify(githubToken); // fetch and cache the key set
        signing = SigningAlgorithm.valueOf(algorithm);
        ours = signing.generateKeyPair();
    }

    @TearDown
    public void tearDown() {
        github.close();
    }

    /**
     * RS256 signature verification of a GitHub-like token, nothing else: splitting the token,
     * decoding the signature and jose4j's RS256 verification, as the server does it.
     */
    @Benchmark
    public boolean verifyRs256Signature() {
        return CompactJws.verify(RS256, githubKey, CompactJws.Parts.split(githubToken));
    }

    /** Everything {@link GitHubProvider#verify} does: headers, cached key, signature, claims. */
    @Benchmark
    public Object providerVerify() {
        return provider.verify(githubToken);
    }

    /** One signature of an access token like ours. */
    @Benchmark
    public String signAccessToken() {
        return sign(signing, ours.getPrivate(), "kid");
    }

    /** The ceiling: verify GitHub's token and sign ours, on 2 threads (the machine's cores). */
    @Benchmark
    @Threads(2)
    public String ceilingVerifyPlusSign() {
        if (!verifyRs256Signature()) {
            throw new IllegalStateException("signature did not verify");
        }
        return signAccessToken();
    }

    /**
     * Signs claims like the ones the issuer issues, with {@code key}, as the issuer does (header
     * encoded per call here, once per key there): the signature cost alone.
     */
    private static String sign(SigningAlgorithm algorithm, PrivateKey key, String kid) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(IDP);
        claims.setSubject(UUID.randomUUID().toString());
        claims.setAudience(IDP);
        long now = System.currentTimeMillis() / 1000;
        claims.setExpirationTime(NumericDate.fromSeconds(now + 900));
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("scope", "agent");
        claims.setClaim("client_id", "github:" + REPOSITORY);
        claims.setClaim("act", Map.of("iss", "https://token.actions.githubusercontent.com",
                "sub", "repo:" + REPOSITORY + ":ref:refs/heads/main"));
        claims.setClaim("repository", REPOSITORY);
        claims.setClaim("ref", "refs/heads/main");
        try {
            return CompactJws.sign(CompactJws.algorithm(algorithm.jwsName()), key,
                    CompactJws.header(algorithm.jwsName(), kid, "at+jwt"), claims.toJson());
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
