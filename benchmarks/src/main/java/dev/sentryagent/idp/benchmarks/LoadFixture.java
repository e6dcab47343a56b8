package dev.sentryagent.idp.benchmarks;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.LocalPostgres;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * What the load benchmark needs besides the server: a fake GitHub issuer on a fixed loopback port
 * serving its JWKS, a file of distinct pre-minted tokens for it (one per line), and optionally a
 * throwaway PostgreSQL. Writes {@code <out>.ready} (holding the PostgreSQL URL, if any) when ready,
 * then serves until killed.
 *
 * <p>Arguments: {@code port audience count out [postgres]}.
 */
public final class LoadFixture {
    private LoadFixture() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String audience = args[1];
        int count = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        boolean postgres = args.length > 4 && args[4].equals("postgres");

        FakeOidcIssuer issuer = FakeOidcIssuer.start(audience, Clock.systemUTC(), port);
        long started = System.nanoTime();
        List<String> tokens = Fixtures.mint(issuer, count);
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.US_ASCII)) {
            for (String token : tokens) {
                writer.write(token);
                writer.newLine();
            }
        }
        System.out.printf("minted %d tokens in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
        String pgUrl = "";
        if (postgres) {
            LocalPostgres pg = LocalPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
            pgUrl = pg.jdbcUrl();
        }
        Files.writeString(Path.of(out + ".ready"), pgUrl);
        Thread.currentThread().join();
    }
}
