package dev.sentryagent.idp.benchmarks;

import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.internal.CompactJws;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
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
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBenchmark {
    private static final JsonWebSignatureAlgorithm RS256 = CompactJws.algorithm("RS256");

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
        github = FakeOidcIssuer.start(Fixtures.IDP);
        provider = GitHubProvider.builder().issuer(github.issuer()).audience(Fixtures.IDP).build();
        githubToken = github.token().repository(Fixtures.REPOSITORY).lifetime(Duration.ofHours(2)).mint();
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
        return Fixtures.signAccessToken(signing, ours.getPrivate(), "kid");
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
}
