package dev.sentryagent.idp.server;

import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.core.LogText;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Jetty error handler: what Jetty refuses itself, before or outside the routes
 * (malformed HTTP such as two {@code Content-Length}s or a bad chunk, headers over 8 KiB, a URI too
 * long, a path that is not UTF-8, no {@code Host}), answered in the contract's error body instead of
 * Jetty's HTML page, and logged as one {@code request refused} line like every refusal of the routes.
 *
 * <p>The {@code error_description} is fixed per status: it never echoes the URI, a header or
 * Jetty's message about them. Jetty's message goes to the log line only, escaped.
 */
final class ContractErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ContractErrorHandler.class);

    private final int maxBodyBytes;
    private final Duration requestTimeout;

    /**
     * @param maxBodyBytes the largest body the server accepts, named in the 413 description
     * @param requestTimeout {@code IDP_REQUEST_TIMEOUT}, named in the 408 description
     */
    ContractErrorHandler(int maxBodyBytes, Duration requestTimeout) {
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
        if (cause instanceof EofException && !(cause instanceof HttpException)) {
            // The connection is gone or being closed (the client left, or HeaderDeadline cut it off):
            // no one reads an answer, and nothing was refused. Failing the callback writes none.
            // (Jetty's "Early EOF" for a malformed body is an HttpException too: a 400, answered.)
            callback.failed(cause);
            return true;
        }
        int status = status(response.getStatus(), cause);
        response.setStatus(status);
        if (HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        String error = error(status);
        String description = description(status, request.getConnectionMetaData().getHttpConfiguration()
                .getRequestHeaderSize());
        String detail = cause instanceof HttpException http ? http.getReason()
                : (String) request.getAttribute(ERROR_MESSAGE);
        logRefusal(LOG, request, status, error, LogText.escape(detail == null
                || detail.equals(HttpStatus.getMessage(status)) ? description : description + " (" + detail + ")"));
        write(response, callback, status, error, description, false);
        return true;
    }

    /**
     * Logs a refusal of {@code request} as the one {@code request refused} line every refusal gets,
     * its method and path escaped; {@code reason} must be escaped already.
     */
    static void logRefusal(Logger log, Request request, int status, String error, String reason) {
        logRefusal(log, LogText.escape(request.getMethod()), LogText.escape(request.getHttpURI().getPath()), status,
                error, reason);
    }

    /** {@link #logRefusal(Logger, Request, int, String, String)} where the method and path are known otherwise (escaped). */
    static void logRefusal(Logger log, String method, String path, int status, String error, String reason) {
        log.info("request refused status={} method={} path={} error={} reason=\"{}\"", status, method, path, error,
                reason);
    }

    /**
     * Writes the contract's error body: {@code application/json}, {@code Cache-Control: no-store},
     * and {@code Connection: close} when {@code close}. {@code description} must need no JSON escaping.
     */
    static void write(Response response, Callback callback, int status, String error, String description,
                      boolean close) {
        byte[] body = ("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * The status to answer: Jetty's own for an {@link HttpException} (as Jetty's handler does), 408 for
     * an idle timeout while the request was read (Jetty says 500), else the one Jetty set.
     */
    static int status(int status, Throwable cause) {
        if (cause instanceof HttpException http) {
            return http.getCode();
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return HttpStatus.REQUEST_TIMEOUT_408;
            }
        }
        return status <= 0 ? HttpStatus.INTERNAL_SERVER_ERROR_500 : status;
    }

    /**
     * The contract's {@code error} code for a status (as the routes answer 404 and 405). 501 and 505
     * are the client's doing (a method, transfer coding or HTTP version Jetty does not take): {@code invalid_request}.
     */
    static String error(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND.wireName();
            case 405 -> "method_not_allowed";
            case 501, 505 -> ErrorCode.INVALID_REQUEST.wireName();
            case 503 -> ErrorCode.TEMPORARILY_UNAVAILABLE.wireName();
            default -> status >= 500 ? ErrorCode.SERVER_ERROR.wireName() : ErrorCode.INVALID_REQUEST.wireName();
        };
    }

    /** One sentence per status, from the server's limits only. */
    String description(int status, int headerBytes) {
        return switch (status) {
            case 400 -> "the request is not valid HTTP/1.1: check its request line, Host header, URI encoding "
                    + "and body framing (Content-Length, Transfer-Encoding, chunks)";
            case 404 -> "no such resource";
            case 405 -> "method not allowed";
            case 408 -> "the request was not received in full within " + requestTimeout;
            case 413 -> "the request is too large: its body may have at most " + maxBodyBytes
                    + " bytes, its headers and trailers " + headerBytes;
            case 414 -> "the request URI is too long: the request line and headers may have at most "
                    + headerBytes + " bytes";
            case 417 -> "the Expect header may only be 100-continue";
            case 431 -> "the request headers are too large: the request line and headers may have at most "
                    + headerBytes + " bytes";
            case 500 -> "Internal server error";
            case 503 -> "the server cannot answer just now: retry later";
            case 505 -> "the HTTP version is not supported: use HTTP/1.1";
            default -> HttpStatus.getMessage(status);
        };
    }
}
