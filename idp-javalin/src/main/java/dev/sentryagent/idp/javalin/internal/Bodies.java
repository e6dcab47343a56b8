package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.InvalidRequestException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Request bodies, read with a hard size limit before anything is parsed. */
public final class Bodies {
    public static final String JSON = "application/json";
    public static final String FORM = "application/x-www-form-urlencoded";

    private Bodies() {
    }

    /**
     * How much of an oversized body is read and thrown away so that the client, still sending,
     * sees the 413 instead of a reset connection. Beyond it the connection is simply closed.
     */
    private static final int DISCARD_LIMIT = 1024 * 1024;

    /** The body, at most {@code limit} bytes; larger: 413, and nothing of it is parsed. */
    public static byte[] read(Context ctx, int limit) {
        try (InputStream in = ctx.req().getInputStream()) {
            long declared = ctx.req().getContentLengthLong();
            if (declared > limit) {
                throw tooLarge(ctx, in, limit, 0);
            }
            // A declared length sizes the buffer exactly (Jetty delivers no more than it declares);
            // without one, read one byte past the limit to detect an oversized body.
            byte[] body = in.readNBytes(declared >= 0 ? (int) declared : limit + 1);
            if (body.length > limit) {
                throw tooLarge(ctx, in, limit, body.length);
            }
            return body;
        } catch (IOException e) {
            throw new InvalidRequestException("request body cannot be read");
        }
    }

    private static HttpError tooLarge(Context ctx, InputStream in, int limit, long alreadyRead) throws IOException {
        long discarded = alreadyRead;
        byte[] sink = new byte[8192];
        int n;
        while (discarded < DISCARD_LIMIT && (n = in.read(sink)) > 0) {
            discarded += n;
        }
        ctx.header("Connection", "close");
        return HttpError.tooLarge("request body", limit);
    }

    /** The media type without parameters, lower case; empty when absent. */
    public static String mediaType(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return "";
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    public static HttpError unsupportedMediaType(String expected) {
        return new HttpError(415, "invalid_request", "Content-Type must be " + expected);
    }

    /** Requires a JSON body. */
    public static byte[] json(Context ctx, int limit) {
        if (!JSON.equals(mediaType(ctx))) {
            throw unsupportedMediaType(JSON);
        }
        return read(ctx, limit);
    }

    /** An {@code application/x-www-form-urlencoded} body; a parameter given twice is refused. */
    public static Map<String, String> form(byte[] body) {
        Map<String, String> params = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            return params;
        }
        for (String pair : text.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("request body is not valid form encoding");
            }
            if (params.put(name, value) != null) {
                throw new InvalidRequestException("parameter " + Json.printable(name) + " is given more than once");
            }
        }
        return params;
    }
}
