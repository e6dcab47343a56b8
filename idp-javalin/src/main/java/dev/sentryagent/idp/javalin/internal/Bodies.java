package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.InvalidRequestException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Request bodies: read with a hard size limit before anything is parsed, then parsed as JSON or
 * as a form; and query strings, decoded as forms are. The one place any of them is parsed. Parse
 * errors never quote the input: it may hold a token. What the parsed values must be is
 * {@link Fields}' job.
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
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
            node = Json.MAPPER.readTree(parser);
            trailing(parser);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not valid JSON" + where(e.getLocation()));
        } catch (IOException e) {
            throw new InvalidRequestException("request body cannot be read");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidRequestException("request body must be a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequestException(named("unknown field", name, true) + "; allowed fields: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return object;
    }

    /**
     * Refuses anything but whitespace after the JSON value ({@code {"a":1} x}, {@code {}{}}), which
     * Jackson would otherwise ignore: a body is one value, so two readers cannot see two requests.
     */
    private static void trailing(JsonParser parser) throws IOException {
        JsonLocation after = parser.currentLocation();
        boolean more;
        try {
            more = parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            more = true;
        }
        if (more) {
            throw new InvalidRequestException("request body has content after its JSON value, at line "
                    + after.getLineNr() + ", column " + after.getColumnNr());
        }
    }

    private static String where(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * An {@code application/x-www-form-urlencoded} body, every parameter kept whatever its name
     * (OAuth endpoints ignore the ones they do not know, RFC 6749 section 3.2). As section 3.1
     * says, a parameter given twice is refused (with or without a value) and a parameter sent
     * without a value ({@code scope=}, {@code scope}) is treated as omitted: it is not in the map.
     * Empty pairs ({@code a=1&&b=2}) are skipped.
     */
    public static Map<String, String> form(byte[] body) {
        Map<String, String> params = formWithEmptyValues(body);
        params.values().removeIf(String::isEmpty);
        return params;
    }

    /** {@link #form(byte[])} with the parameters sent without a value kept, as empty strings. */
    public static Map<String, String> formWithEmptyValues(byte[] body) {
        return pairs(new String(body, StandardCharsets.US_ASCII), "parameter",
                name -> new InvalidRequestException("request body is not valid form encoding"));
    }

    /**
     * A request's query string ({@code ctx.queryString()}, still encoded; null for none), decoded
     * as a form is: a parameter given twice is refused, empty pairs are skipped, and a name or value
     * that is not valid percent-encoding is refused, never dropped (a dropped filter widens a list).
     */
    public static Map<String, String> query(String queryString) {
        return pairs(queryString == null ? "" : queryString, "query parameter", name -> new InvalidRequestException(
                (name == null ? "a query parameter name" : named("query parameter", name, false))
                        + " is not valid percent-encoding: " + PERCENT_RULE));
    }

    /** What valid percent-encoding is, for the messages that refuse it. */
    private static final String PERCENT_RULE = "a % must be followed by two hexadecimal digits, and the bytes must be UTF-8";

    /**
     * The pairs of form-encoded {@code text}, each name once. A name or value that does not decode
     * is refused by {@code malformed}, given the pair's name (null when the name is what fails).
     */
    private static Map<String, String> pairs(String text, String noun,
                                             Function<String, InvalidRequestException> malformed) {
        Map<String, String> params = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return params;
        }
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (name == null) {
                throw malformed.apply(null);
            }
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (value == null) {
                throw malformed.apply(name);
            }
            if (params.put(name, value) != null) {
                throw new InvalidRequestException(named(noun, name, false) + " is given more than once");
            }
        }
        return params;
    }

    /**
     * {@code encoded} decoded as {@code application/x-www-form-urlencoded}: {@code +} a space,
     * {@code %XX} a byte, consecutive bytes UTF-8. Null when it is not: a {@code %} without two
     * hexadecimal digits, or bytes that are not UTF-8. Stricter than {@link java.net.URLDecoder},
     * which takes {@code %+1} for a byte and turns bytes that are not UTF-8 into replacement characters.
     */
    static String decode(String encoded) {
        StringBuilder out = new StringBuilder(encoded.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int high = i + 2 < encoded.length() ? hex(encoded.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hex(encoded.charAt(i + 2));
                if (low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                if (!appendUtf8(bytes, out)) {
                    return null;
                }
                out.append(c == '+' ? ' ' : c);
            }
        }
        return appendUtf8(bytes, out) ? out.toString() : null;
    }

    /** The value of an ASCII hexadecimal digit, or -1 (Character.digit would take other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** Appends {@code bytes} decoded as UTF-8 to {@code out} and empties them; false when they are not UTF-8. */
    private static boolean appendUtf8(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() == 0) {
            return true;
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
            return false;
        }
        bytes.reset();
        return true;
    }

    /** The longest field or parameter name a message quotes. */
    static final int MAX_QUOTED_NAME = 32;
    /** What a message says in place of a name it does not quote. */
    static final String NOT_REPEATED = " (its name is not repeated: it may be a secret)";

    /**
     * Whether a message may quote {@code name}, a field or parameter name the client sent. A name
     * over {@value #MAX_QUOTED_NAME} characters, or one shaped like a JWT (two dots), may be a token
     * or a secret sent where a name belongs (a form body that is only a token, a value pasted as a
     * key): it is never quoted, neither in the answer nor in the refusal's log line.
     */
    static boolean quotable(String name) {
        return name.length() <= MAX_QUOTED_NAME && name.chars().filter(c -> c == '.').count() < 2;
    }

    /**
     * How a message names a field or parameter the client sent: {@code kind name} (the name in
     * quotes when {@code quoted}), or, for a name that is not {@link #quotable}, {@code a kind} and
     * {@link #NOT_REPEATED}.
     */
    static String named(String kind, String name, boolean quoted) {
        if (quotable(name)) {
            return kind + " " + (quoted ? "\"" + printable(name) + "\"" : printable(name));
        }
        return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + NOT_REPEATED;
    }

    /** A name from a request, shortened and with quotes and control characters replaced, for a message. */
    static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
