package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The shaded {@code idp-server.jar} as a separate process, configured by environment variables. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;
    final Http http;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.http = new Http("http://127.0.0.1:" + port);
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("idp.server.jar", "target/idp-server.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package first");
        }
        return jar;
    }

    /** Starts the jar with {@code env} (plus IDP_PORT, unless given) and waits until /health answers. */
    static ServerProcess start(Map<String, String> env, Path logDir) throws Exception {
        int port = env.containsKey("IDP_PORT") ? Integer.parseInt(env.get("IDP_PORT")) : freePort();
        Path log = Files.createTempFile(logDir, "idp-server-", ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-Xmx256m", "-jar", jar().toString())
                .directory(logDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("IDP_"));
        builder.environment().putAll(env);
        builder.environment().put("IDP_PORT", Integer.toString(port));
        builder.environment().putIfAbsent("IDP_CRYPTO_PROVIDER", crypto());
        ServerProcess server = new ServerProcess(builder.start(), log, port);
        server.awaitHealthy();
        return server;
    }

    /** Runs the jar expecting it to refuse to start; returns its exit code and output. */
    static Map.Entry<Integer, String> run(Map<String, String> env, Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-jar", jar().toString()).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("IDP_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop: " + output);
        }
        return Map.entry(process.exitValue(), output);
    }

    /** The test run's provider ({@code -Didp.test.crypto=accp|jdk}), which the server processes use too. */
    static String crypto() {
        return System.getProperty("idp.test.crypto", "jdk");
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * The log once it contains {@code text}, or as it is after {@code timeout}: the server writes
     * its lines from a background thread in batches, so a line may land a little after the event.
     */
    String logOnceItContains(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String current = log();
        while (!current.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            current = log();
        }
        return current;
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + log());
            }
            try (java.net.Socket ignored = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                if (http.get("/health", null).status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new AssertionError("the server did not become healthy:\n" + log());
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: the shutdown hook closes the server and the store
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static List<String> kids(String jwks) throws Exception {
        return new org.jose4j.jwk.JsonWebKeySet(jwks).getJsonWebKeys().stream().map(k -> k.getKeyId()).toList();
    }
}
