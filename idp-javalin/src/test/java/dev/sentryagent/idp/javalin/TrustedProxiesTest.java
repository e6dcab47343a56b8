package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Whose X-Forwarded-For names the client in audit events. */
class TrustedProxiesTest {
    final TrustedProxies proxies = TrustedProxies.parse("10.0.0.1, 172.16.0.0/12, ::1");

    @Test
    void requestFromUntrustedAddressThenItsOwnAddressWhateverItForwards() {
        assertThat(proxies.clientAddress("198.51.100.4", List.of("203.0.113.9"))).isEqualTo("198.51.100.4");
        assertThat(TrustedProxies.NONE.clientAddress("10.0.0.1", List.of("203.0.113.9"))).isEqualTo("10.0.0.1");
    }

    @Test
    void requestFromTrustedProxyThenRightMostUntrustedHop() {
        assertThat(proxies.clientAddress("10.0.0.1", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
        // The client forged a first hop; only what our proxies appended is believed.
        assertThat(proxies.clientAddress("10.0.0.1", List.of("1.2.3.4, 203.0.113.9, 172.20.0.5")))
                .isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("1.2.3.4", "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("::1", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
    }

    @Test
    void forwardedHopNotAnAddressThenTheHopThatForwardedIt() {
        assertThat(proxies.clientAddress("10.0.0.1", List.of("evil.example"))).isEqualTo("10.0.0.1");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("<script>, 172.20.0.5"))).isEqualTo("172.20.0.5");
        assertThat(proxies.clientAddress("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void cidrRangesMatchByPrefix() {
        assertThat(proxies.contains("172.31.255.255")).isTrue();
        assertThat(proxies.contains("172.32.0.0")).isFalse();
        assertThat(proxies.contains("10.0.0.2")).isFalse();
        assertThat(proxies.contains("cafe")).isFalse();
    }
}
