package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.testkit.CryptoProviderSession;
import java.security.Signature;
import org.junit.jupiter.api.Test;

/** The run really signs and verifies with the provider {@code idp.test.crypto} names (CI runs both). */
class CryptoProviderTest {

    @Test
    void whenTheRunNamesAProviderThenEcdsaAndRsaSignaturesComeFromIt() throws Exception {
        boolean accp = "accp".equals(System.getProperty(CryptoProviderSession.PROPERTY));
        assertThat(Signature.getInstance("SHA256withECDSA").getProvider().getName())
                .isEqualTo(accp ? "AmazonCorrettoCryptoProvider" : "SunEC");
        assertThat(Signature.getInstance("SHA256withRSA").getProvider().getName())
                .isEqualTo(accp ? "AmazonCorrettoCryptoProvider" : "SunRsaSign");
    }
}
