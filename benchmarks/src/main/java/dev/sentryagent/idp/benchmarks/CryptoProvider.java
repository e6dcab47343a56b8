package dev.sentryagent.idp.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * The crypto provider a benchmark JVM runs with: {@code -Didp.crypto=accp} installs Amazon Corretto
 * Crypto Provider first, exactly as a library user would ({@code AmazonCorrettoCryptoProvider.install()});
 * {@code jdk} (the default) keeps the JDK's. {@code benchmarks/run-jmh.sh} passes it with
 * {@code CRYPTO=accp}.
 */
public final class CryptoProvider {
    static final String PROPERTY = "idp.crypto";

    private CryptoProvider() {
    }

    /** Installs what {@code idp.crypto} asks for; fails the benchmark rather than measure the wrong provider. */
    public static void fromProperty() {
        String choice = System.getProperty(PROPERTY, "jdk");
        switch (choice) {
            case "jdk" -> { }
            case "accp" -> {
                AmazonCorrettoCryptoProvider.install();
                AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            }
            default -> throw new IllegalArgumentException(PROPERTY + " must be jdk or accp, got \"" + choice + "\"");
        }
    }
}
