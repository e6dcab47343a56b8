package dev.sentryagent.idp.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
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
 * throwaway PostgreSQL with {@code databases} empty databases, one per server run: replay
 * protection is per store, so every run on a fresh store can use the same tokens again. Writes
 * {@code <out>.ready} (the databases' JDBC URLs, one per line) when ready, then serves until killed.
 *
 * <p>Arguments: {@code port audience count out [databases]}.
 */
public final class LoadFixture {
    private LoadFixture() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String audience = args[1];
        int count = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        int databases = args.length > 4 ? Integer.parseInt(args[4]) : 0;

        // Minting is RSA signing, several times faster with ACCP where it loads; the tokens are the same.
        if (AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() == null) {
            AmazonCorrettoCryptoProvider.install();
        }
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
        StringBuilder urls = new StringBuilder();
        if (databases > 0) {
            LocalPostgres pg = LocalPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
            for (int i = 1; i <= databases; i++) {
                urls.append(pg.createDatabase("load_run_" + i)).append('\n');
            }
        }
        Files.writeString(Path.of(out + ".ready"), urls);
        Thread.currentThread().join();
    }
}
