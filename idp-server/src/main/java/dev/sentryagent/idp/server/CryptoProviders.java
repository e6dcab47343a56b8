package dev.sentryagent.idp.server;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.SelfTestStatus;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider the standalone server signs and verifies with, chosen by
 * {@code IDP_CRYPTO_PROVIDER}: {@code auto} (the default) installs Amazon Corretto Crypto Provider
 * (AWS-LC, bundled in {@code idp-server.jar} for linux-x86_64) first in the provider list when its
 * native library loads and its self-test passes, and otherwise keeps the JDK's providers, saying
 * why; {@code accp} requires it; {@code jdk} never installs it. An exchange's crypto (ES256 sign +
 * RS256 verify) takes ~40 µs with it and 200-650 µs with the JDK's (docs/benchmarks.md).
 *
 * <p>Only the server installs a provider: {@code idp-core} and the plugin use whatever the JVM's
 * provider list holds, so an application embedding the library chooses for itself.
 */
final class CryptoProviders {
    static final String VARIABLE = "IDP_CRYPTO_PROVIDER";
    private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);

    /** The values of {@code IDP_CRYPTO_PROVIDER}. */
    enum Choice {
        AUTO, ACCP, JDK;

        /** {@code value} as a choice; empty or absent means {@link #AUTO}. */
        static Choice parse(String value) {
            if (value == null || value.isEmpty()) {
                return AUTO;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "accp" -> ACCP;
                case "jdk" -> JDK;
                default -> throw new IllegalArgumentException(VARIABLE + " must be one of auto, accp, jdk, got \""
                        + value + "\"");
            };
        }
    }

    private CryptoProviders() {
    }

    /**
     * Installs the provider {@code env}'s {@code IDP_CRYPTO_PROVIDER} asks for and logs which one
     * signs and verifies.
     *
     * @throws IllegalArgumentException when the value is not auto, accp or jdk
     * @throws IllegalStateException when accp is required and cannot be used here, with the reason
     */
    static void installFromEnvironment(Map<String, String> env) {
        install(Choice.parse(env.get(VARIABLE)));
    }

    static void install(Choice choice) {
        if (choice == Choice.JDK) {
            LOG.info("crypto provider: {} ({}=jdk)", inUse(), VARIABLE);
            return;
        }
        String unavailable = installAccp();
        if (unavailable == null) {
            LOG.info("crypto provider: {} ({}={})", inUse(), VARIABLE, choice.name().toLowerCase(Locale.ROOT));
        } else if (choice == Choice.ACCP) {
            throw new IllegalStateException(VARIABLE + "=accp but Amazon Corretto Crypto Provider cannot be used here: "
                    + unavailable);
        } else {
            LOG.info("crypto provider: {} ({}=auto; Amazon Corretto Crypto Provider cannot be used here: {})",
                    inUse(), VARIABLE, unavailable);
        }
    }

    /**
     * Puts ACCP first in the provider list when it is healthy; returns null then, else why not.
     * ACCP's own jar carries the native library for one platform (linux-x86_64 here): elsewhere
     * its class loads but its library does not, and {@link AmazonCorrettoCryptoProvider#getLoadingError}
     * says why.
     */
    private static String installAccp() {
        AmazonCorrettoCryptoProvider accp;
        try {
            accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable loading = accp.getLoadingError();
            if (loading != null) {
                return "its native library did not load (" + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch") + "): " + loading;
            }
            SelfTestStatus selfTest = accp.runSelfTests();
            if (selfTest != SelfTestStatus.PASSED) {
                return "its self-test did not pass: " + selfTest;
            }
            accp.assertHealthy();
        } catch (LinkageError | RuntimeException e) {
            // NoClassDefFoundError when the jar is not on the class path (an embedding app's own build)
            return e.toString();
        }
        // First, so that getInstance without a provider name (jose4j's way) finds it before the JDK's.
        Security.removeProvider(accp.getName());
        Security.insertProviderAt(accp, 1);
        return null;
    }

    /**
     * The providers that sign and verify an exchange (ES256 and RS256) as the JVM will pick them,
     * e.g. {@code AmazonCorrettoCryptoProvider 2.5.0} or {@code SunEC 17+SunRsaSign 17}.
     */
    static String inUse() {
        Set<String> names = new LinkedHashSet<>();
        for (String algorithm : new String[] {"SHA256withECDSA", "SHA256withRSA"}) {
            try {
                Provider provider = Signature.getInstance(algorithm).getProvider();
                names.add(provider.getName() + " " + provider.getVersionStr());
            } catch (GeneralSecurityException | RuntimeException e) {
                names.add("none for " + algorithm);
            }
        }
        return String.join("+", names);
    }
}
