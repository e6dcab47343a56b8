package dev.sentryagent.idp.core.spi;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One of this IdP's signing keys, as a store holds it.
 *
 * @param kid the key id published in the JWKS and in each token's header
 * @param algorithm the JWS algorithm, e.g. {@code ES256}
 * @param privateKey the private key, PKCS#8 DER
 * @param publicKey the public key, X.509 SubjectPublicKeyInfo DER
 * @param createdAt when the key was created
 */
public record SigningKey(String kid, String algorithm, byte[] privateKey, byte[] publicKey, Instant createdAt) {
    /**
     * Copies both keys' bytes, so later changes to the arrays do not reach the record.
     *
     * @param kid the key id published in the JWKS and in each token's header
     * @param algorithm the JWS algorithm, e.g. {@code ES256}
     * @param privateKey the private key, PKCS#8 DER
     * @param publicKey the public key, X.509 SubjectPublicKeyInfo DER
     * @param createdAt when the key was created
     * @throws NullPointerException if any field is null
     */
    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(algorithm, "algorithm");
        privateKey = Objects.requireNonNull(privateKey, "privateKey").clone();
        publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** {@return a copy of the private key, PKCS#8 DER} */
    @Override
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** {@return a copy of the public key, X.509 SubjectPublicKeyInfo DER} */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey k && kid.equals(k.kid) && algorithm.equals(k.algorithm)
                && Arrays.equals(privateKey, k.privateKey) && Arrays.equals(publicKey, k.publicKey)
                && createdAt.equals(k.createdAt);
    }

    @Override
    public int hashCode() {
        return kid.hashCode();
    }

    /** Never shows key material. */
    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", algorithm=" + algorithm + ", createdAt=" + createdAt + "]";
    }
}
