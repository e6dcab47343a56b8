package dev.sentryagent.idp.benchmarks;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.internal.CompactJws;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Tokens and claims shaped like the real ones, for the benchmarks. */
final class Fixtures {
    static final String IDP = "http://localhost:8080";
    static final String REPOSITORY = "octo-org/octo-repo";

    private Fixtures() {
    }

    /** {@code count} distinct single-use GitHub-like tokens, valid for an hour, minted on every core. */
    static List<String> mint(FakeOidcIssuer issuer, int count) {
        return IntStream.range(0, count).parallel()
                .mapToObj(i -> issuer.token().repository(REPOSITORY).lifetime(Duration.ofHours(1)).mint())
                .toList();
    }

    /**
     * Signs claims like the ones the exchanger issues, with {@code key}, as the exchanger does
     * (header encoded per call here, once per key there): the signature cost alone.
     */
    static String signAccessToken(SigningAlgorithm algorithm, PrivateKey key, String kid) {
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
