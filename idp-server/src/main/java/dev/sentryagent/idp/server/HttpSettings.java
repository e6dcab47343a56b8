package dev.sentryagent.idp.server;

import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The standalone server's HTTP settings (Jetty thread pool, compression, response buffer), in one
 * place so that the load benchmark's HTTP floor ({@code benchmarks/HttpFloor}) measures exactly the
 * server's HTTP stack. An application embedding {@link dev.sentryagent.idp.javalin.IdpPlugin} may
 * apply them to its own Javalin app too.
 */
public final class HttpSettings {
    /**
     * The work is CPU-bound crypto with short database waits: 4 threads per core (8 on 2 cores).
     * Measured on 2 cores (docs/benchmarks.md): 8 threads serve as much as 32 or 200 once warm, and
     * fewer runnable threads leave the JIT's compiler threads more of the CPU while warming up.
     */
    private static final int HTTP_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    /** Copy buffer per response: an exchange answer is about 1 KiB (8 KiB was 6% of the bytes allocated per exchange). */
    private static final int RESPONSE_BUFFER_BYTES = 2048;

    private HttpSettings() {
    }

    /**
     * Applies the thread pool, compression and buffer settings to {@code javalin}.
     *
     * @param javalin the configuration of the Javalin app being created
     */
    public static void apply(JavalinConfig javalin) {
        javalin.startup.showJavalinBanner = false;
        javalin.jetty.threadPool = new QueuedThreadPool(HTTP_THREADS, 8);
        // Responses carry tokens: never compress them (BREACH), and save the CPU.
        javalin.http.compressionStrategy = CompressionStrategy.NONE;
        // Javalin copies every result through a buffer of this size (default 32 KiB, allocated
        // per response); an exchange answer is about 1 KiB, larger ones are simply written in parts.
        javalin.http.responseBufferSize = RESPONSE_BUFFER_BYTES;
    }
}
