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
    ES256(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, "EC"),
    ES384(AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384, "EC"),
    RS256(AlgorithmIdentifiers.RSA_USING_SHA256, "RSA"),
    EDDSA(AlgorithmIdentifiers.EDDSA, "Ed25519");

    private final String jwsName;
    private final String keyAlgorithm;

    SigningAlgorithm(String jwsName, String keyAlgorithm) {
        this.jwsName = jwsName;
        this.keyAlgorithm = keyAlgorithm;
    }

    /** The JWS {@code alg} value, e.g. {@code ES256}. */
    public String jwsName() {
        return jwsName;
    }

    /** The algorithm with JWS name {@code name}. */
    public static SigningAlgorithm fromJwsName(String name) {
        for (SigningAlgorithm a : values()) {
            if (a.jwsName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("signing algorithm must be one of ES256, ES384, RS256, EdDSA, got \""
                + name + "\"");
    }

    /** A new key pair for this algorithm. */
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

    /** Decodes a PKCS#8 private key of this algorithm. */
    public PrivateKey decodePrivate(byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** Decodes an X.509 SubjectPublicKeyInfo public key of this algorithm. */
    public PublicKey decodePublic(byte[] spki) throws GeneralSecurityException {
        return KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(spki));
    }
}
