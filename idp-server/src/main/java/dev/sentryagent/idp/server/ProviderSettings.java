package dev.sentryagent.idp.server;

import java.util.Objects;

/**
 * One trusted CI provider of the standalone server, from {@code IDP_PROVIDERS} and the
 * {@code IDP_PROVIDER_<NAME>_...} variables (contract section 6).
 *
 * @param name the name requests and policies use, e.g. {@code github}, {@code ghes}, {@code gitlab}
 * @param type {@code github} or {@code gitlab}
 * @param issuer the exact {@code iss} of its tokens
 * @param jwksUrl its key set's URL, or null: discovered from the issuer
 * @param audience the exact {@code aud} its tokens must carry
 */
public record ProviderSettings(String name, String type, String issuer, String jwksUrl, String audience) {
    /** The type of GitHub Actions issuers (github.com, GHE.com, GitHub Enterprise Server). */
    public static final String GITHUB = "github";
    /** The type of GitLab instances (gitlab.com or self-managed). */
    public static final String GITLAB = "gitlab";

    /**
     * Checks that the settings name a known type and the values every provider needs.
     *
     * @param name the name requests and policies use
     * @param type {@link #GITHUB} or {@link #GITLAB}
     * @param issuer the exact {@code iss} of its tokens
     * @param jwksUrl its key set's URL, or null: discovered from the issuer
     * @param audience the exact {@code aud} its tokens must carry
     * @throws NullPointerException without a name, issuer or audience
     * @throws IllegalArgumentException for another type
     */
    public ProviderSettings {
        Objects.requireNonNull(name, "name");
        if (!GITHUB.equals(type) && !GITLAB.equals(type)) {
            throw new IllegalArgumentException("type must be github or gitlab, got " + type);
        }
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
    }
}
