package dev.sentryagent.idp.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One of this IdP's published signing keys, without key material, as {@code GET /api/v1/keys}
 * shows it.
 *
 * @param kid the key id
 * @param algorithm the JWS algorithm
 * @param createdAt when the key was created
 * @param active true for the key that signs new tokens; false for one only published, so that
 *     tokens it signed still verify
 */
public record SigningKeyInfo(String kid, String algorithm, Instant createdAt, boolean active) {
    /**
     * Checks that every field but {@code active} is set.
     *
     * @param kid the key id
     * @param algorithm the JWS algorithm, e.g. {@code ES256}
     * @param createdAt when the key was created
     * @param active whether the key signs new tokens
     * @throws NullPointerException naming the missing field
     */
    public SigningKeyInfo {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** {@return {@code active} or {@code published}, the contract's words for {@link #active()}} */
    public String status() {
        return active ? "active" : "published";
    }
}
