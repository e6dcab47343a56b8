package dev.sentryagent.idp.benchmarks;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

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
}
