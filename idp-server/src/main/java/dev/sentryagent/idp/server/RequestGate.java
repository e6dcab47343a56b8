package dev.sentryagent.idp.server;

import dev.sentryagent.idp.core.ErrorCode;
import java.nio.ByteBuffer;
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
 * Headers are parsed by Jetty without a request thread, before this handler runs; a request whose
 * headers are not complete within the same timeout is {@link HeaderDeadline}'s to cut off.
 */
public final class RequestGate extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
    /**
     * How much of a streamed oversized body is read and thrown away before the 413, so that a
     * client still sending sees the answer instead of a reset connection (as {@link Bodies} does).
     */
    private static final int DISCARD_LIMIT = 1024 * 1024;

    /** Whether a request is refused on its credentials alone: (method, path, Authorization header). */
    @FunctionalInterface
    public interface CredentialCheck {
        /**
         * @param method the request's method
         * @param path the request's path
         * @param authorization its {@code Authorization} header, or null
         * @return true when the route refuses the request before reading its body
         */
        boolean refused(String method, String path, String authorization);
    }

    private final int maxBodyBytes;
    private final Duration requestTimeout;
    private final CredentialCheck credentials;

    /**
     * A gate for bodies of at most {@code maxBodyBytes}, received in full within {@code requestTimeout}.
     *
     * @param maxBodyBytes the largest body accepted, positive
     * @param requestTimeout how long a request may take to arrive in full, from its first byte
     * @throws IllegalArgumentException when {@code maxBodyBytes} is not positive
     */
    public RequestGate(int maxBodyBytes, Duration requestTimeout) {
        this(maxBodyBytes, requestTimeout, (method, path, authorization) -> false);
    }

    /**
     * A gate as above that hands a request {@code credentials} says is refused on its
     * {@code Authorization} header straight on, without reading its body (contract: admin bearer
     * checked before any body is read), whatever size its body declares.
     *
     * @param maxBodyBytes the largest body accepted, positive
     * @param requestTimeout how long a request may take to arrive in full, from its first byte
     * @param credentials says which requests their routes refuse on credentials alone
     * @throws IllegalArgumentException when {@code maxBodyBytes} is not positive
     */
    public RequestGate(int maxBodyBytes, Duration requestTimeout, CredentialCheck credentials) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (credentials.refused(request.getMethod(), request.getHttpURI().getPath(),
                request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            // The route answers 401 (or 503) without reading the body; Jetty then closes the
            // connection rather than read a body nobody wants.
            try {
                if (!super.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable failure) {
                callback.failed(failure);
            }
            return true;
        }
        if (request.getLength() > maxBodyBytes) {
            // Answered before any of the body is read; then up to DISCARD_LIMIT bytes of it are thrown
            // away before the connection closes, so that a client still sending reads the 413
            // instead of losing it to the reset that closing on unread bytes causes.
            refuse(request, response, Callback.from(() -> new Lingerer(request, callback).run(), callback::failed),
                    413, "request body is larger than " + maxBodyBytes + " bytes");
            return true;
        }
        new BodyReader(request, response, callback).start();
        return true;
    }

    private void refuse(Request request, Response response, Callback callback, int status, String description) {
        ContractErrorHandler.logRefusal(LOG, request, status, ErrorCode.INVALID_REQUEST.wireName(), description);
        ContractErrorHandler.write(response, callback, status, ErrorCode.INVALID_REQUEST.wireName(), description, true);
    }

    /** Reads one request's body without holding a thread, then hands the complete request on. */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean settled = new AtomicBoolean();
        private byte[] body;
        private int size;
        private long discarded;
        private volatile Scheduler.Task timer;

        BodyReader(Request request, Response response, Callback callback) {
            long declared = request.getLength();
            // A declared length (already checked against the limit) sizes the buffer once.
            this.body = new byte[declared > 0 ? (int) declared : 0];
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void start() {
            run();
        }

        /**
         * Arms the request timeout the first time the body is not all there: most bodies arrive with
         * their headers and are read at once, and a timer scheduled and cancelled for each of them
         * costs the scheduler's lock and queue on every request.
         */
        private void armTimer() {
            if (timer == null) {
                long left = requestTimeout.toNanos() - NanoTime.since(request.getBeginNanoTime());
                timer = request.getComponents().getScheduler().schedule(this::expire, Math.max(0, left),
                        TimeUnit.NANOSECONDS);
            }
        }

        /** Reads what has arrived; called again by Jetty, on demand, when more arrives. */
        @Override
        public void run() {
            while (!settled.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    armTimer();
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

    /**
     * After an early 413: reads and drops what the client still sends, up to {@link #DISCARD_LIMIT}
     * bytes or the end of the body, without holding a thread, then completes the exchange (and
     * Jetty closes the connection, as the answer said).
     */
    private static final class Lingerer implements Runnable {
        private final Request request;
        private final Callback callback;
        private long discarded;

        Lingerer(Request request, Callback callback) {
            this.request = request;
            this.callback = callback;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                discarded += chunk.remaining();
                boolean done = chunk.isLast() || Content.Chunk.isFailure(chunk) || discarded > DISCARD_LIMIT;
                chunk.release();
                if (done) {
                    callback.succeeded();
                    return;
                }
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
