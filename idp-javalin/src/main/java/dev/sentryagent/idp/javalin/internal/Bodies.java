package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.InvalidRequestException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Request bodies: read with a hard size limit before anything is parsed, then parsed as JSON or
 * as a form, the one place either is parsed. Parse errors never quote the input: it may hold a
 * token. What the parsed values must be is {@link Fields}' job.
 */
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

    /** Requires a JSON body that is an object whose members are all among {@code allowed}. */
    public static ObjectNode jsonObject(Context ctx, int limit, Set<String> allowed) {
        if (!JSON.equals(mediaType(ctx))) {
            throw unsupportedMediaType(JSON);
        }
        return jsonObject(read(ctx, limit), allowed);
    }

    /** {@code body} as a JSON object whose members are all among {@code allowed}. */
    public static ObjectNode jsonObject(byte[] body, Set<String> allowed) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new InvalidRequestException("request body is not valid JSON" + where);
        } catch (IOException e) {
            throw new InvalidRequestException("request body cannot be read");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidRequestException("request body must be a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequestException("unknown field \"" + printable(name) + "\"; allowed fields: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return object;
    }

    /**
     * An {@code application/x-www-form-urlencoded} body whose parameters are all among
     * {@code allowed}; a parameter given twice is refused.
     */
    public static Map<String, String> form(byte[] body, Set<String> allowed) {
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
                throw new InvalidRequestException("parameter " + printable(name) + " is given more than once");
            }
        }
        for (String name : params.keySet()) {
            if (!allowed.contains(name)) {
                throw new InvalidRequestException("unknown parameter \"" + printable(name)
                        + "\"; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return params;
    }

    /** A name from a request, shortened and with quotes and control characters replaced, for a message. */
    static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
