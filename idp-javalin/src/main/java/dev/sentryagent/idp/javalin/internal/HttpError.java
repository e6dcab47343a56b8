package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.ErrorCode;

/** An error the HTTP layer itself decides (size, media type, authentication), with its status. */
public final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String wwwAuthenticate;

    public HttpError(int status, String error, String description) {
        this(status, error, description, null);
    }

    public HttpError(int status, String error, String description, String wwwAuthenticate) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.wwwAuthenticate = wwwAuthenticate;
    }

    public static HttpError tooLarge(String what, int limit) {
        return new HttpError(413, ErrorCode.INVALID_REQUEST.wireName(), what + " is larger than " + limit + " bytes");
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String wwwAuthenticate() {
        return wwwAuthenticate;
    }
}
