package dev.sentryagent.idp.testkit;

import java.lang.reflect.Method;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs a test JVM's tests under the crypto provider system property {@code idp.test.crypto} names,
 * so that the same suite proves the same behaviour with the JDK's providers and with Amazon Corretto
 * Crypto Provider (ACCP, AWS-LC), which the standalone server installs first when it can.
 *
 * <ul>
 *   <li>{@code jdk} or unset: nothing is installed; the JDK's providers sign and verify.</li>
 *   <li>{@code accp}: ACCP ({@code software.amazon.cryptools:AmazonCorrettoCryptoProvider} with the
 *       platform's classifier, which must be on the test class path) is installed first in the
 *       provider list before any test runs; the run fails at once if it is missing, its native
 *       library does not load or its self-test does not pass, rather than test the JDK quietly.</li>
 * </ul>
 *
 * <p>The JUnit Platform finds this listener through {@code ServiceLoader} on every test class path
 * that holds the testkit ({@code mvn verify -Didp.test.crypto=accp}).
 */
public final class CryptoProviderSession implements LauncherSessionListener {
    /** The system property that chooses the provider: {@code jdk} (default) or {@code accp}. */
    public static final String PROPERTY = "idp.test.crypto";
    static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    /** Called by the JUnit Platform through {@code ServiceLoader}. */
    public CryptoProviderSession() {
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String choice = System.getProperty(PROPERTY, "jdk").strip().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "", "jdk" -> { }
            case "accp" -> installAccp();
            default -> throw new IllegalArgumentException(PROPERTY + " must be jdk or accp, got \"" + choice + "\"");
        }
    }

    /**
     * Installs ACCP first in the provider list. Reflection keeps the testkit free of a dependency
     * on ACCP: only a run that asks for it needs its jar.
     *
     * @throws IllegalStateException when ACCP cannot be used in this JVM, saying why
     */
    public static void installAccp() {
        Provider accp;
        try {
            Class<?> type = Class.forName(ACCP_CLASS);
            accp = (Provider) type.getField("INSTANCE").get(null);
            Throwable loading = (Throwable) type.getMethod("getLoadingError").invoke(accp);
            if (loading != null) {
                throw new IllegalStateException(PROPERTY + "=accp but ACCP's native library did not load", loading);
            }
            Object selfTest = type.getMethod("runSelfTests").invoke(accp);
            if (!"PASSED".equals(String.valueOf(selfTest))) {
                throw new IllegalStateException(PROPERTY + "=accp but ACCP's self-test gave " + selfTest);
            }
            Method assertHealthy = type.getMethod("assertHealthy");
            assertHealthy.invoke(accp);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException(PROPERTY + "=accp but ACCP (" + ACCP_CLASS
                    + ") is not usable on the test class path", e);
        }
        Security.removeProvider(accp.getName());
        Security.insertProviderAt(accp, 1);
    }
}
