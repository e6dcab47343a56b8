package dev.sentryagent.idp.core;

/**
 * Machine-readable failure codes, aligned with OAuth 2.0 (RFC 6749, RFC 6750) where one exists.
 * The {@link #wireName()} is what goes into the {@code error} member of an error response. Every
 * {@link IdpException} carries exactly one; two have a finer detail: {@link TokenFailure} for
 * {@link #INVALID_TOKEN} and {@link DenialReason} for {@link #ACCESS_DENIED}.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request"),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
    INVALID_TOKEN("invalid_token"),
    ACCESS_DENIED("access_denied"),
    INSUFFICIENT_SCOPE("insufficient_scope"),
    NOT_FOUND("not_found"),
    CONFLICT("conflict"),
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable"),
    SERVER_ERROR("server_error");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The code as written on the wire, e.g. {@code invalid_token}. */
    public String wireName() {
        return wireName;
    }
}
