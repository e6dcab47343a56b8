package dev.sentryagent.idp.javalin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The administrator's secret, held only as its SHA-256 hash and compared in constant time. Give
 * it as plaintext (at least {@value #MIN_LENGTH} characters) or as {@code sha256:<64 hex>}, so the
 * plaintext need not sit in the server's environment.
 */
public final class AdminToken {
    /** The shortest plaintext secret accepted. */
    public static final int MIN_LENGTH = 32;
    private static final String HASH_PREFIX = "sha256:";

    private final byte[] hash;

    private AdminToken(byte[] hash) {
        this.hash = hash;
    }

    /**
     * Parses {@code sha256:<hex>} or a plaintext secret.
     *
     * @param value the setting, e.g. the value of {@code IDP_ADMIN_TOKEN}
     * @return the token, holding only the hash
     * @throws IllegalArgumentException for a short secret or a malformed hash (never echoing it)
     */
    public static AdminToken parse(String value) {
        Objects.requireNonNull(value, "value");
        if (value.startsWith(HASH_PREFIX)) {
            String hex = value.substring(HASH_PREFIX.length());
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("admin token hash must be sha256: followed by 64 hex digits");
            }
            return new AdminToken(HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT)));
        }
        if (value.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("admin token must be at least " + MIN_LENGTH
                    + " characters (or sha256:<hex> of one), got " + value.length());
        }
        return new AdminToken(sha256(value));
    }

    /**
     * Whether {@code presented} is the admin secret. Constant time in the secret.
     *
     * @param presented the bearer token of a request, or null
     * @return true when it is the secret
     */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(hash, sha256(presented));
    }

    /**
     * The hash form of a plaintext secret, for configuring a server without the plaintext.
     *
     * @param plaintext the secret
     * @return {@code sha256:<hex>} of it
     */
    public static String hashOf(String plaintext) {
        return HASH_PREFIX + HexFormat.of().formatHex(sha256(plaintext));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AdminToken[<redacted>]";
    }
}
