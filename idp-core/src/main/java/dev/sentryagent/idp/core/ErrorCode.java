package dev.sentryagent.idp.core;

/**
 * Machine-readable failure codes, aligned with OAuth 2.0 (RFC 6749, RFC 6750) where one exists.
 * The {@link #wireName()} is what goes into the {@code error} member of an error response. Every
 * {@link IdpException} carries exactly one; two have a finer detail: {@link TokenFailure} for
 * {@link #INVALID_TOKEN} and {@link DenialReason} for {@link #ACCESS_DENIED}.
 */
public enum ErrorCode {
    /** A malformed request: a missing or blank field, a bad value, an unknown provider (HTTP 400); {@link InvalidRequestException}. */
    INVALID_REQUEST("invalid_request"),
    /** A token request whose {@code grant_type} is not RFC 8693 token exchange (HTTP 400); {@link UnsupportedGrantTypeException}. */
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
    /** A requested audience (RFC 8693 {@code audience} / RFC 8707 {@code resource}) this IdP will not issue for. */
    INVALID_TARGET("invalid_target"),
    /** A requested scope other than the one the exchange's mode issues (RFC 6749 section 5.2). */
    INVALID_SCOPE("invalid_scope"),
    /**
     * A submitted OIDC token or bearer access token that failed verification, was replayed,
     * revoked or expired (HTTP 401); {@link InvalidTokenException}, detail in {@link TokenFailure}.
     */
    INVALID_TOKEN("invalid_token"),
    /** A verified token that no trust policy admits (HTTP 403); {@link AccessDeniedException}, detail in {@link DenialReason}. */
    ACCESS_DENIED("access_denied"),
    /** A valid bearer token without the scope a route requires (HTTP 403); {@link InsufficientScopeException}. */
    INSUFFICIENT_SCOPE("insufficient_scope"),
    /** An agent, policy or route that does not exist (HTTP 404); {@link NotFoundException}. */
    NOT_FOUND("not_found"),
    /** A trust policy identical to an existing one (HTTP 409); {@link DuplicatePolicyException}. */
    CONFLICT("conflict"),
    /** A provider's key set or the store cannot be reached just now; retrying may help (HTTP 503); {@link UnavailableException}. */
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable"),
    /** A failure of this IdP itself, e.g. signing or a store error (HTTP 500); {@link SigningFailedException}, {@link StoreFailedException}. */
    SERVER_ERROR("server_error");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** {@return the code as written on the wire, e.g. {@code invalid_token}} */
    public String wireName() {
        return wireName;
    }
}
