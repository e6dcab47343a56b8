package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminTokenTest {
    static final String SECRET = "correct-horse-battery-staple-0123456789";

    @Test
    void plaintextMatchesOnlyItself() {
        AdminToken token = AdminToken.parse(SECRET);
        assertThat(token.matches(SECRET)).isTrue();
        assertThat(token.matches(SECRET + " ")).isFalse();
        assertThat(token.matches(SECRET.substring(1))).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.toString()).doesNotContain(SECRET);
    }

    @Test
    void hashFormMatchesThePlaintextItWasMadeFrom() {
        String hash = AdminToken.hashOf(SECRET);
        assertThat(hash).startsWith("sha256:").hasSize(7 + 64);
        AdminToken token = AdminToken.parse(hash);
        assertThat(token.matches(SECRET)).isTrue();
        assertThat(token.matches(hash)).as("the hash itself is not the secret").isFalse();
        assertThat(AdminToken.parse(hash.toUpperCase().replace("SHA256:", "sha256:")).matches(SECRET)).isTrue();
    }
}
