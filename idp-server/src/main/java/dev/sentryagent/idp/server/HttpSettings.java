package dev.sentryagent.idp.server;

import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The standalone server's HTTP settings (Jetty thread pool, connection limit, compression, response
 * buffer), in one place so that the load benchmark's HTTP floor ({@code benchmarks/HttpFloor})
 * measures exactly the server's HTTP stack. An application embedding
 * {@link dev.sentryagent.idp.javalin.IdpPlugin} may apply them to its own Javalin app too.
 */
public final class HttpSettings {
    /**
     * The work is CPU-bound crypto with short database waits: 4 threads per core (8 on 2 cores).
     * Measured on 2 cores (docs/benchmarks.md): 8 threads serve as much as 32 or 200 once warm, and
     * fewer runnable threads leave the JIT's compiler threads more of the CPU while warming up.
     */
    private static final int HTTP_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    /**
     * The most connections the server holds open (Jetty's {@code NetworkConnectionLimit}): past it the
     * server stops accepting, and new connections wait in the listen backlog until one closes. Far
     * above what a token service's clients keep open (a CI job connects for an exchange or two;
     * resource servers and a reverse proxy keep small pools), it bounds what clients that connect
     * and hold on can cost: each connection may hold a body buffer of up to 64 KiB while its body
     * arrives (64 MiB for all of them) and a file descriptor. Fixed, not a setting: the contract has
     * no variable for it, and limits per client belong in the proxy in front.
     */
    public static final int MAX_CONNECTIONS = 1024;
    /** Copy buffer per response: an exchange answer is about 1 KiB (8 KiB was 6% of the bytes allocated per exchange). */
    private static final int RESPONSE_BUFFER_BYTES = 2048;

    private HttpSettings() {
    }

    /**
     * Applies the thread pool, connection limit, compression and buffer settings to {@code javalin}.
     *
     * @param javalin the configuration of the Javalin app being created
     */
    public static void apply(JavalinConfig javalin) {
        javalin.startup.showJavalinBanner = false;
        javalin.jetty.threadPool = new QueuedThreadPool(HTTP_THREADS, 8);
        javalin.jetty.modifyServer(jetty -> jetty.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, jetty)));
        // Responses carry tokens: never compress them (BREACH), and save the CPU.
        javalin.http.compressionStrategy = CompressionStrategy.NONE;
        // Javalin copies every result through a buffer of this size (default 32 KiB, allocated
        // per response); an exchange answer is about 1 KiB, larger ones are simply written in parts.
        javalin.http.responseBufferSize = RESPONSE_BUFFER_BYTES;
    }
}
