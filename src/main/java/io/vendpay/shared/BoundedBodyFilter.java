package io.vendpay.shared;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The APIs' front door for request bodies (issue 9). Every body is bounded before it costs memory or a thread:
 * <ul>
 *   <li>a Content-Length over the endpoint's limit is answered 413 at once, before a byte of the body is read,
 *       and the connection is closed (Tomcat would otherwise swallow the rest);</li>
 *   <li>the body is read without a thread (Servlet async with a {@link ReadListener}) into a buffer that never
 *       grows past the limit, so a chunked body is cut off with 413 when it passes it, and a client that
 *       trickles its body holds a socket and at most the limit in memory, never one of Tomcat's threads nor
 *       any admission place;</li>
 *   <li>the whole body must arrive within {@link HttpLimits#bodyReadTimeout()}, or 408;</li>
 *   <li>all bodies being read or processed at once hold at most {@link HttpLimits#bodyBufferBudget()} of heap:
 *       a body that does not fit is refused as load (device API 429, the others 503, with {@code Retry-After}),
 *       so many connections times the limit can never add up to the heap;</li>
 *   <li>a Content-Type that names no concrete type ({@code *}{@code /*}, {@code text/*}) or an unknown charset is
 *       415: nothing after this door has to cope with it.</li>
 * </ul>
 * Once the body is in, the request continues on an ASYNC dispatch, wrapped as a {@link BufferedBodyRequest}:
 * the filters after this one (the device signature, with its admission control) and the controllers run
 * then, with the bytes in memory. A body that arrived whole with the headers (what the container already
 * holds, read without blocking) continues at once on the same thread, as do requests without a body.
 * Refusals answer in the endpoint's format ({@link ApiAnswers}).
 */
public final class BoundedBodyFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(BoundedBodyFilter.class);
    private static final String BODY = BoundedBodyFilter.class.getName() + ".body";
    private static final byte[] NONE = new byte[0];

    private final HttpLimits limits;
    private final MeterRegistry meters;
    private final long budget;
    private final AtomicLong buffered = new AtomicLong();

    public BoundedBodyFilter(HttpLimits limits, MeterRegistry meters) {
        this.limits = limits;
        this.meters = meters;
        this.budget = limits.bodyBufferBudget().toBytes();
        Gauge.builder("vendpay_http_body_buffered_bytes", buffered, AtomicLong::get)
                .description("Heap held by request bodies being read or processed, bounded by vendpay.http.body-buffer-budget")
                .register(meters);
    }

    /** The body this filter read for {@code request}; a request on a path it does not guard has none here. */
    public static byte[] body(HttpServletRequest request) {
        Object body = request.getAttribute(BODY);
        if (body == null) {
            throw new IllegalStateException("no bounded body: " + request.getRequestURI() + " is not behind BoundedBodyFilter");
        }
        return (byte[]) body;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object read = request.getAttribute(BODY);
        if (request.getDispatcherType() == DispatcherType.ASYNC && read != null) {
            chain.doFilter(new BufferedBodyRequest(request, (byte[]) read), response);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response);
            return;
        }
        // the decoded, normalised path Tomcat mapped the request by, so that the limit is the one of the endpoint it reaches
        String uri = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        ApiAnswers format = ApiAnswers.forPath(uri);
        String endpoint = endpoint(uri);
        String unusable = unusableContentType(request.getContentType());
        if (unusable != null) {
            refuse(endpoint, request, response, format, 415, "UNSUPPORTED_MEDIA_TYPE", unusable);
            return;
        }
        long limit = limit(uri);
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            refuse(endpoint, request, response, format, 413, "BODY_TOO_LARGE", tooLarge(limit));
            return;
        }
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (declared == 0 || (declared < 0 && !chunked)) {
            request.setAttribute(BODY, NONE);
            chain.doFilter(new BufferedBodyRequest(request, NONE), response);
            return;
        }
        int initial = (int) (declared > 0 ? declared : Math.min(limit, 4096));
        if (!reserve(initial)) {
            shed(endpoint, request, response, format);
            return;
        }
        ServletInputStream in = request.getInputStream();
        byte[] arrived = declared > 0 ? alreadyArrived(in, (int) declared) : null;
        if (arrived != null && arrived.length == declared) {
            // the whole body came with the headers (a real request's 1-3 KB nearly always does): no async cycle, no
            // second dispatch through the filters; nothing here can wait on the client
            request.setAttribute(BODY, arrived);
            try {
                chain.doFilter(new BufferedBodyRequest(request, arrived), response);
            } finally {
                buffered.addAndGet(-initial);
            }
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(limits.bodyReadTimeout().toMillis());
        var reader = new BodyReader(async, request, response, in, (int) limit, initial, format, endpoint);
        if (arrived != null) {
            reader.seed(arrived);
        }
        async.addListener(reader);
        in.setReadListener(reader);
    }

    /**
     * The part of a declared body that is already in the container's buffer, read without blocking: only what
     * {@code available()} says is there is read (Tomcat answers it from the bytes it holds, without waiting on the
     * socket). Whatever is missing is then read the non-blocking way.
     */
    private static byte[] alreadyArrived(ServletInputStream in, int declared) throws IOException {
        byte[] b = new byte[declared];
        int size = 0;
        while (size < declared) {
            int ready = in.available();
            if (ready <= 0) {
                break;
            }
            int n = in.read(b, size, Math.min(ready, declared - size));
            if (n <= 0) {
                break;
            }
            size += n;
        }
        return size == declared ? b : Arrays.copyOf(b, size);
    }

    private boolean reserve(long bytes) {
        for (long now = buffered.get(); ; now = buffered.get()) {
            if (now + bytes > budget) {
                return false;
            }
            if (buffered.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    private void shed(String endpoint, HttpServletRequest request, HttpServletResponse response, ApiAnswers format) throws IOException {
        response.setHeader("Retry-After", "1");
        // the device API's contract says 429 for shed load; the channels retry a 5xx on their schedule
        refuse(endpoint, request, response, format, endpoint.equals("device_api") ? 429 : 503, "OVERLOADED",
                "The platform is reading as many request bodies as it holds at once; retry after 1 s");
    }

    /** A Content-Type nothing after this door should have to interpret, or {@code null} when it is usable (or absent). */
    static String unusableContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            return "Content-Type \"" + contentType + "\" is not a media type";
        }
        if (type.isWildcardType() || type.isWildcardSubtype()) {
            return "Content-Type must name the body's type (application/json; application/x-www-form-urlencoded for Alipay), not "
                    + type;
        }
        String charset = type.getParameter("charset");
        if (charset != null) {
            try {
                if (!Charset.isSupported(unquote(charset))) {
                    return "charset " + charset + " is not supported";
                }
            } catch (IllegalCharsetNameException e) {
                return "charset " + charset + " is not a charset name";
            }
        }
        return null;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private long limit(String uri) {
        if (uri.startsWith("/api/v1/pay/")) {
            return limits.notifyBodyLimit().toBytes();
        }
        if (uri.startsWith("/api/v1/device/")) {
            return limits.deviceBodyLimit().toBytes();
        }
        return limits.adminBodyLimit().toBytes();
    }

    private static String endpoint(String uri) {
        return uri.startsWith("/api/v1/pay/") ? "notify" : uri.startsWith("/api/v1/device/") ? "device_api" : "admin_api";
    }

    private static String tooLarge(long limit) {
        return "Request bodies on this endpoint are limited to " + limit + " bytes";
    }

    private void refuse(String endpoint, HttpServletRequest request, HttpServletResponse response, ApiAnswers format,
                        int status, String code, String message) throws IOException {
        Counter.builder("vendpay_http_body_refused").tag("endpoint", endpoint).tag("code", code)
                .description("Requests refused at the body door: too large, too slow, unusable Content-Type")
                .register(meters).increment();
        log.debug("event=http.body_refused endpoint={} code={} uri={}", endpoint, code, request.getRequestURI());
        if (response.isCommitted()) {
            return;
        }
        if (status != 415) {
            // the rest of the body is not wanted: close rather than have Tomcat read (swallow) it
            response.setHeader("Connection", "close");
        }
        format.write(response, status, code, message);
    }

    /** Reads one body on the container's I/O callbacks; exactly one of dispatch or a refusal ends it. */
    private final class BodyReader implements ReadListener, AsyncListener {

        private final AsyncContext async;
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final ServletInputStream in;
        private final int limit;
        private final ApiAnswers format;
        private final String endpoint;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final byte[] chunk = new byte[8192];
        private byte[] buffer;
        private int size;
        /** Bytes of the budget this body holds, released once its request is complete. */
        private long reserved;

        BodyReader(AsyncContext async, HttpServletRequest request, HttpServletResponse response, ServletInputStream in,
                   int limit, int initial, ApiAnswers format, String endpoint) {
            this.async = async;
            this.request = request;
            this.response = response;
            this.in = in;
            this.limit = limit;
            this.format = format;
            this.endpoint = endpoint;
            // sized by what was declared (already checked against the limit); a chunked body grows by doubling
            this.buffer = new byte[initial];
            this.reserved = initial;
        }

        /** The bytes read before the reader took over (all within the declared length, so within the limit). */
        void seed(byte[] arrived) {
            System.arraycopy(arrived, 0, buffer, 0, arrived.length);
            size = arrived.length;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!ended.get() && in.isReady()) {
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    return;
                }
                if (size + n > limit) {
                    end(413, "BODY_TOO_LARGE", tooLarge(limit));
                    return;
                }
                if (size + n > buffer.length) {
                    int grown = Math.min(limit, Math.max(buffer.length * 2, size + n));
                    if (!reserve(grown - buffer.length)) {
                        end(503, "OVERLOADED", "The platform is reading as many request bodies as it holds at once; retry after 1 s");
                        return;
                    }
                    reserved += grown - buffer.length;
                    buffer = Arrays.copyOf(buffer, grown);
                }
                System.arraycopy(chunk, 0, buffer, size, n);
                size += n;
            }
        }

        @Override
        public void onAllDataRead() {
            if (ended.compareAndSet(false, true)) {
                request.setAttribute(BODY, size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                buffer = null;
                async.dispatch();
            }
        }

        @Override
        public void onError(Throwable t) {
            // the client went away (or its socket timed out between two packets): there is nobody to answer, usually
            if (t instanceof SocketTimeoutException) {
                end(408, "REQUEST_TIMEOUT", "The request body did not arrive in time");
            } else {
                end(400, "BODY_UNREADABLE", "The request body could not be read: " + t.getMessage());
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            end(408, "REQUEST_TIMEOUT", "The request body did not arrive within " + limits.bodyReadTimeout().toSeconds() + " s");
        }

        /** Every end comes here (dispatched and answered, refused, timed out, client gone): the budget is freed once. */
        @Override
        public void onComplete(AsyncEvent event) {
            buffered.addAndGet(-reserved);
            reserved = 0;
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        private void end(int status, String code, String message) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            buffer = null;
            try {
                refuse(endpoint, request, response, format, status, code, message);
            } catch (IOException | RuntimeException e) {
                log.debug("event=http.body_refusal_unsent endpoint={} code={} error=\"{}\"", endpoint, code, e.toString());
            } finally {
                try {
                    async.complete();
                } catch (IllegalStateException alreadyOver) {
                    // the container ended the request itself (client gone)
                }
            }
        }
    }
}
