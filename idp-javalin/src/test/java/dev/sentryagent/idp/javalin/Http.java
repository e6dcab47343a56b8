package dev.sentryagent.idp.javalin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A small real HTTP client for the tests. */
public final class Http {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public Http(String base) {
        this.base = base;
    }

    /** A response with its body parsed as JSON where it is JSON. */
    public record Response(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String error() {
            return json().path("error").asText(null);
        }

        public String description() {
            return json().path("error_description").asText(null);
        }
    }

    public Response send(String method, String path, String contentType, String body, String bearer) {
        return sendBody(method, path, contentType, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body), bearer);
    }

    /** Sends a request without a body but with one extra header. */
    public Response sendWithHeader(String method, String path, String header, String value, String bearer) {
        return sendBody(method, path, null, HttpRequest.BodyPublishers.noBody(), bearer, header, value);
    }

    /** Sends {@code body} with chunked transfer encoding: no Content-Length announces its size. */
    public Response sendChunked(String method, String path, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return sendBody(method, path, contentType,
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)), null);
    }

    private Response sendBody(String method, String path, String contentType, HttpRequest.BodyPublisher body,
            String bearer, String... extraHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body);
        if (extraHeader.length == 2) {
            request.header(extraHeader[0], extraHeader[1]);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Sends a {@code GET} for {@code target} exactly as written, over a socket: {@code java.net.URI}
     * refuses what a client may still send, such as a malformed escape ({@code ?repository=%zz}).
     * HTTP/1.0, so that the answer ends with the connection.
     */
    public Response rawGet(String target, String bearer) {
        URI uri = URI.create(base);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            String request = "GET " + target + " HTTP/1.0\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            String[] head = answer.substring(0, end).split("\r\n");
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.computeIfAbsent(head[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(head[i].substring(colon + 1).trim());
            }
            return new Response(Integer.parseInt(head[0].split(" ")[1]), HttpHeaders.of(headers, (k, v) -> true),
                    answer.substring(end + 4));
        } catch (IOException e) {
            throw new AssertionError("GET " + target + " failed: " + e, e);
        }
    }

    public Response get(String path, String bearer) {
        return send("GET", path, null, null, bearer);
    }

    public Response delete(String path, String bearer) {
        return send("DELETE", path, null, null, bearer);
    }

    public Response postJson(String path, Object body, String bearer) {
        try {
            return send("POST", path, "application/json",
                    body instanceof String s ? s : MAPPER.writeValueAsString(body), bearer);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public Response postForm(String path, Map<String, String> form) {
        return send("POST", path, "application/x-www-form-urlencoded", form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")), null);
    }

    /** Exchanges {@code token}: bootstrap when {@code agentId} is null. */
    public Response exchange(String token, String agentId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        if (agentId != null) {
            body.put("agentId", agentId);
        }
        return postJson("/api/v1/oidc/token", body, null);
    }

    public static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
