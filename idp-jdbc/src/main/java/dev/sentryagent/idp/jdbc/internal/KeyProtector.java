package dev.sentryagent.idp.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How private signing keys are held at rest: {@code plain:<base64>} without a key-encryption
 * key, {@code aesgcm2:<base64(iv | ciphertext)>} with one: AES-256-GCM whose associated data is
 * the row's kid, algorithm and public key, so a wrapped key can neither move to another row nor
 * be paired with another public key or algorithm. Rows of version 1 ({@code aesgcm:}, the kid
 * alone as associated data) still unwrap and are reported as {@link Unwrapped#legacy()}, for the
 * store to wrap again.
 *
 * <p>With a key-encryption key configured, a {@code plain:} row is refused: it can only have been
 * written by someone with database access but without the key, to plant a signing key.
 */
public final class KeyProtector {
    private static final String PLAIN = "plain:";
    private static final String AES_GCM_V1 = "aesgcm:";
    private static final String AES_GCM = "aesgcm2:";
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec kek;

    /** A private key taken out of its row; {@code legacy} when the row should be wrapped again. */
    public record Unwrapped(byte[] privateKey, boolean legacy) {
    }

    /** With {@code kek} null, keys are stored unwrapped. */
    public KeyProtector(byte[] kek) {
        if (kek != null && kek.length != 32) {
            throw new IllegalArgumentException("keyEncryptionKey must be 32 bytes (AES-256), got " + kek.length);
        }
        this.kek = kek == null ? null : new SecretKeySpec(kek.clone(), "AES");
    }

    /** The column value for {@code privateKey}, bound to the row's kid, algorithm and public key. */
    public String protect(String kid, String algorithm, byte[] publicKey, byte[] privateKey) {
        if (kek == null) {
            return PLAIN + Base64.getEncoder().encodeToString(privateKey);
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, iv));
            cipher.updateAAD(associatedData(kid, algorithm, publicKey));
            byte[] sealed = cipher.doFinal(privateKey);
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return AES_GCM + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap signing key " + kid, e);
        }
    }

    /**
     * The private key of a row.
     *
     * @throws IllegalStateException naming the kid: unknown format, wrapped without a configured
     *     key-encryption key, unwrapped although one is configured, or not authentic (wrong key,
     *     or the kid, algorithm or public key changed)
     */
    public Unwrapped unprotect(String kid, String algorithm, byte[] publicKey, String stored) {
        if (stored.startsWith(PLAIN)) {
            if (kek != null) {
                throw new IllegalStateException("signing key " + kid + " is stored unwrapped although a "
                        + "key-encryption key is configured: refusing to use a key that may have been planted; "
                        + "if it is yours, delete its row from signing_keys and a new key is created");
            }
            return new Unwrapped(Base64.getDecoder().decode(stored.substring(PLAIN.length())), false);
        }
        boolean legacy = stored.startsWith(AES_GCM_V1);
        if (!legacy && !stored.startsWith(AES_GCM)) {
            throw new IllegalStateException("signing key " + kid + " is stored in an unknown format");
        }
        if (kek == null) {
            throw new IllegalStateException("signing key " + kid
                    + " is encrypted at rest; configure the key-encryption key to use it");
        }
        byte[] in = Base64.getDecoder().decode(stored.substring(legacy ? AES_GCM_V1.length() : AES_GCM.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, in, 0, IV_BYTES));
            cipher.updateAAD(legacy ? kid.getBytes(StandardCharsets.UTF_8) : associatedData(kid, algorithm, publicKey));
            return new Unwrapped(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), legacy);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + kid + " cannot be unwrapped with the configured "
                    + "key-encryption key, or its kid, algorithm or public key was changed");
        }
    }

    /** Length-prefixed, so that no two (kid, algorithm, public key) triples share an encoding. */
    private static byte[] associatedData(String kid, String algorithm, byte[] publicKey) {
        byte[] label = "sentryagent-idp signing key v2".getBytes(StandardCharsets.UTF_8);
        byte[] k = kid.getBytes(StandardCharsets.UTF_8);
        byte[] a = algorithm.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(16 + label.length + k.length + a.length + publicKey.length);
        out.putInt(label.length).put(label).putInt(k.length).put(k).putInt(a.length).put(a)
                .putInt(publicKey.length).put(publicKey);
        return out.array();
    }
}
