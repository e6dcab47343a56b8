package dev.sentryagent.idp.jdbc.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How private signing keys are held at rest: {@code plain:<base64>} without a key-encryption
 * key, {@code aesgcm:<base64(iv | ciphertext)>} with one (AES-256-GCM, the kid as associated
 * data so a wrapped key cannot be moved to another row).
 */
public final class KeyProtector {
    private static final String PLAIN = "plain:";
    private static final String AES_GCM = "aesgcm:";
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec kek;

    /** With {@code kek} null, keys are stored unwrapped. */
    public KeyProtector(byte[] kek) {
        if (kek != null && kek.length != 32) {
            throw new IllegalArgumentException("keyEncryptionKey must be 32 bytes (AES-256), got " + kek.length);
        }
        this.kek = kek == null ? null : new SecretKeySpec(kek.clone(), "AES");
    }

    public String protect(String kid, byte[] privateKey) {
        if (kek == null) {
            return PLAIN + Base64.getEncoder().encodeToString(privateKey);
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, iv));
            cipher.updateAAD(kid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(privateKey);
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return AES_GCM + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap signing key " + kid, e);
        }
    }

    public byte[] unprotect(String kid, String stored) {
        if (stored.startsWith(PLAIN)) {
            return Base64.getDecoder().decode(stored.substring(PLAIN.length()));
        }
        if (!stored.startsWith(AES_GCM)) {
            throw new IllegalStateException("signing key " + kid + " is stored in an unknown format");
        }
        if (kek == null) {
            throw new IllegalStateException("signing key " + kid
                    + " is encrypted at rest; configure the key-encryption key to use it");
        }
        byte[] in = Base64.getDecoder().decode(stored.substring(AES_GCM.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, in, 0, IV_BYTES));
            cipher.updateAAD(kid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + kid
                    + " cannot be unwrapped with the configured key-encryption key");
        }
    }
}
