package dev.sentryagent.idp.core;

/**
 * The size limit of every token this IdP reads: a provider's OIDC token, its own access tokens,
 * and a token in a request body. One number, so that no layer accepts what another refuses.
 */
public final class TokenLimits {
    /** The largest token accepted, in characters. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private TokenLimits() {
    }

    /** True when {@code token} is longer than {@link #MAX_TOKEN_LENGTH}; false for null. */
    public static boolean tooLong(String token) {
        return token != null && token.length() > MAX_TOKEN_LENGTH;
    }
}
