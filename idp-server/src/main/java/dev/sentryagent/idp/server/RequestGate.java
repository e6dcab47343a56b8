package dev.sentryagent.idp.server;

import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.core.internal.Names;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty handler in front of the servlet that keeps slow clients from holding request threads.
 *
 * <p>Javalin reads bodies with blocking servlet reads: a client trickling its body one byte a
 * second would hold a pool thread for as long as it likes, and a few dozen such clients starve
 * the pool (issue 12). This handler reads the body with Jetty's asynchronous
 * {@link Request#demand demand}/{@link Request#read read} instead, which holds no thread while
 * waiting, and hands the servlet a request whose whole body is already in memory. Hence:
 * <ul>
 *   <li>a declared {@code Content-Length} over the limit is answered 413 at once, with
 *       {@code Connection: close}, without reading the body;</li>
 *   <li>a body that grows past the limit as it streams (chunked) is 413 too;</li>
 *   <li>a request not fully received within the request timeout, counted from its first byte, is
 *       answered 408 with {@code Connection: close};</li>
 *   <li>only complete requests reach the thread pool, so {@code /health} and other clients are
 *       served whatever the slow ones do.</li>
 * </ul>
 * Headers are parsed by Jetty without a request thread; the connector's idle timeout bounds a
 * client that stops sending them.
 */
public final class RequestGate extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
    /**
     * How much of a streamed oversized body is read and thrown away before the 413, so that a
     * client still sending sees the answer instead of a reset connection (as {@link Bodies} does).
     */
    private static final int DISCARD_LIMIT = 1024 * 1024;

    private final int maxBodyBytes;
    private final Duration requestTimeout;

    /** A gate for bodies of at most {@code maxBodyBytes}, received in full within {@code requestTimeout}. */
    public RequestGate(int maxBodyBytes, Duration requestTimeout) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (request.getLength() > maxBodyBytes) {
            refuse(request, response, callback, 413, "request body is larger than " + maxBodyBytes + " bytes");
            return true;
        }
        new BodyReader(request, response, callback).start();
        return true;
    }

    private void refuse(Request request, Response response, Callback callback, int status, String description) {
        LOG.info("request refused status={} method={} path={} reason=\"{}\"", status, request.getMethod(),
                Names.loggable(request.getHttpURI().getPath()), description);
        byte[] body = ("{\"error\":\"" + ErrorCode.INVALID_REQUEST.wireName() + "\",\"error_description\":\""
                + description + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Reads one request's body without holding a thread, then hands the complete request on. */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean settled = new AtomicBoolean();
        private byte[] body = new byte[0];
        private int size;
        private long discarded;
        private Scheduler.Task timer;

        BodyReader(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void start() {
            long left = requestTimeout.toNanos() - NanoTime.since(request.getBeginNanoTime());
            timer = request.getComponents().getScheduler().schedule(this::expire, Math.max(0, left),
                    TimeUnit.NANOSECONDS);
            run();
        }

        /** Reads what has arrived; called again by Jetty, on demand, when more arrives. */
        @Override
        public void run() {
            while (!settled.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    if (settle()) {
                        callback.failed(chunk.getFailure());
                    }
                    return;
                }
                boolean last = chunk.isLast();
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                if (discarded > 0 || size + n > maxBodyBytes) {
                    discarded += n;
                } else {
                    if (size + n > body.length) {
                        body = Arrays.copyOf(body, Math.min(maxBodyBytes, Math.max(size + n, 2 * body.length + 1024)));
                    }
                    bytes.get(body, size, n);
                    size += n;
                }
                chunk.release();
                if (discarded > 0 && (last || discarded > DISCARD_LIMIT)) {
                    if (settle()) {
                        refuse(request, response, callback, 413, "request body is larger than " + maxBodyBytes
                                + " bytes");
                    }
                    return;
                }
                if (last) {
                    if (settle()) {
                        dispatch();
                    }
                    return;
                }
            }
        }

        private void expire() {
            if (settle()) {
                refuse(request, response, callback, 408, "the request was not received in full within "
                        + requestTimeout);
            }
        }

        private boolean settle() {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            if (timer != null) {
                timer.cancel();
            }
            return true;
        }

        private void dispatch() {
            Request complete = new Buffered(request, ByteBuffer.wrap(body, 0, size));
            try {
                if (!RequestGate.super.handle(complete, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable failure) {
                callback.failed(failure);
            }
        }
    }

    /** The request with its body already read: the servlet reads it without ever waiting. */
    private static final class Buffered extends Request.Wrapper {
        private final ByteBuffer body;
        private boolean read;

        Buffered(Request request, ByteBuffer body) {
            super(request);
            this.body = body;
        }

        @Override
        public Content.Chunk read() {
            if (read) {
                return Content.Chunk.EOF;
            }
            read = true;
            return Content.Chunk.from(body, true);
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }

        @Override
        public void fail(Throwable failure) {
            // the body is complete: nothing left to fail
        }
    }
}
