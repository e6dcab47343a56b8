package dev.sentryagent.idp.core;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.jose4j.jws.AlgorithmIdentifiers;

/** The algorithms this IdP signs its tokens with. All asymmetric; ES256 is the default. */
public enum SigningAlgorithm {
    /** ECDSA on P-256 with SHA-256, the default. */
    ES256(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, "EC"),
    /** ECDSA on P-384 with SHA-384. */
    ES384(AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384, "EC"),
    /** RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys. */
    RS256(AlgorithmIdentifiers.RSA_USING_SHA256, "RSA"),
    /** EdDSA on Ed25519 (JWS name {@code EdDSA}). */
    EDDSA(AlgorithmIdentifiers.EDDSA, "Ed25519");

    private final String jwsName;
    private final String keyAlgorithm;

    SigningAlgorithm(String jwsName, String keyAlgorithm) {
        this.jwsName = jwsName;
        this.keyAlgorithm = keyAlgorithm;
    }

    /** {@return the JWS {@code alg} value, e.g. {@code ES256}} */
    public String jwsName() {
        return jwsName;
    }

    /**
     * The algorithm with JWS name {@code name}.
     *
     * @param name a JWS {@code alg} value, compared exactly ({@code EdDSA}, not {@code EDDSA})
     * @return the algorithm
     * @throws IllegalArgumentException if this IdP does not sign with that algorithm
     */
    public static SigningAlgorithm fromJwsName(String name) {
        for (SigningAlgorithm a : values()) {
            if (a.jwsName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("signing algorithm must be one of ES256, ES384, RS256, EdDSA, got \""
                + name + "\"");
    }

    /**
     * A new key pair for this algorithm.
     *
     * @return a fresh key pair from the JVM's default provider for the key type
     * @throws IllegalStateException if this JVM cannot generate such keys
     */
    public KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
            switch (this) {
                case ES256 -> generator.initialize(new ECGenParameterSpec("secp256r1"));
                case ES384 -> generator.initialize(new ECGenParameterSpec("secp384r1"));
                case RS256 -> generator.initialize(2048);
                case EDDSA -> { }
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + jwsName + " keys", e);
        }
    }

    /**
     * Decodes a PKCS#8 private key of this algorithm.
     *
     * @param pkcs8 the DER bytes
     * @return the private key
     * @throws GeneralSecurityException if the bytes are not such a key of this algorithm's key type
     */
    public PrivateKey decodePrivate(byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /**
     * Decodes an X.509 SubjectPublicKeyInfo public key of this algorithm.
     *
     * @param spki the DER bytes
     * @return the public key
     * @throws GeneralSecurityException if the bytes are not such a key of this algorithm's key type
     */
    public PublicKey decodePublic(byte[] spki) throws GeneralSecurityException {
        return KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(spki));
    }
}
