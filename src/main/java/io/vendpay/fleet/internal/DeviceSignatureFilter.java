package io.vendpay.fleet.internal;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.fleet.DeviceRequests;
import io.vendpay.shared.ErrorResponses;
import io.vendpay.shared.LoadShedder;
import io.vendpay.shared.StoreFailures;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The device API's front door: admission control, then authentication (contract section 2).
 * Admission comes first, before any database work: a request the platform cannot take now is
 * answered 429 with {@code Retry-After} in microseconds instead of queueing for a connection and
 * timing out, which is how overload turns into collapse. Then the cheapest checks, and the nonce
 * is recorded only for a request whose signature verified, so junk cannot fill the nonce table.
 * A refused request answers 401 with a code saying which check failed, and reaches no controller.
 */
class DeviceSignatureFilter extends OncePerRequestFilter {

    static final long TIMESTAMP_WINDOW_MS = 300_000;
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern NONCE = Pattern.compile("[\\x21-\\x7e]{16,64}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");

    private final DeviceSecrets secrets;
    private final NonceStore nonces;
    private final MeterRegistry meters;
    private final LoadShedder admission;
    private final StoreFailures storeFailures;

    DeviceSignatureFilter(DeviceSecrets secrets, NonceStore nonces, MeterRegistry meters, LoadShedder admission,
                          StoreFailures storeFailures) {
        this.storeFailures = storeFailures;
        this.secrets = secrets;
        this.nonces = nonces;
        this.meters = meters;
        this.admission = admission;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!admission.tryEnter()) {
            response.setHeader("Retry-After", "1");
            ErrorResponses.write(response, 429, "OVERLOADED", "The platform is at capacity; retry after 1 s");
            return;
        }
        try {
            authenticate(request, response, chain);
        } catch (RuntimeException e) {
            // the secret and the nonce come from the store before anything else: with the store away, say so at
            // once (a controller's own store failures are answered by ApiExceptionHandler and do not reach here)
            if (response.isCommitted() || !answeredStoreFailure(response, e)) {
                throw e;
            }
        } finally {
            admission.exit();
        }
    }

    private boolean answeredStoreFailure(HttpServletResponse response, RuntimeException e) throws IOException {
        if (StoreFailures.isUnavailable(e)) {
            storeFailures.report("device_api", e);
            response.setHeader("Retry-After", StoreFailures.RETRY_AFTER_SECONDS);
            ErrorResponses.write(response, 503, StoreFailures.CODE, StoreFailures.MESSAGE);
            return true;
        }
        if (StoreFailures.isBusy(e)) {
            response.setHeader("Retry-After", "1");
            ErrorResponses.write(response, 503, StoreFailures.BUSY_CODE, StoreFailures.BUSY_MESSAGE);
            return true;
        }
        return false;
    }

    private void authenticate(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String deviceId = request.getHeader("X-Device-Id");
        String timestamp = request.getHeader("X-Timestamp");
        String nonce = request.getHeader("X-Nonce");
        String signature = request.getHeader("X-Signature");
        if (deviceId == null || timestamp == null || nonce == null || signature == null) {
            refuse(response, "SIGNATURE_MISSING",
                    "Device requests need X-Device-Id, X-Timestamp, X-Nonce and X-Signature headers");
            return;
        }
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            refuse(response, "DEVICE_ID_INVALID", "X-Device-Id must be 1 to 32 of [A-Za-z0-9_-]");
            return;
        }
        long now = System.currentTimeMillis();
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            refuse(response, "TIMESTAMP_INVALID", "X-Timestamp must be epoch milliseconds");
            return;
        }
        if (Math.abs(now - ts) > TIMESTAMP_WINDOW_MS) {
            refuse(response, "TIMESTAMP_STALE", "X-Timestamp is more than 300 s from server time ("
                    + now + "); check the machine's clock (NTP)");
            return;
        }
        if (!NONCE.matcher(nonce).matches()) {
            refuse(response, "NONCE_INVALID", "X-Nonce must be 16 to 64 printable ASCII characters without spaces");
            return;
        }
        if (!SIGNATURE.matcher(signature).matches()) {
            refuse(response, "SIGNATURE_INVALID", "X-Signature must be 64 lowercase hex characters (HMAC-SHA256)");
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            ErrorResponses.write(response, 413, "BODY_TOO_LARGE", "Device request bodies are limited to " + MAX_BODY_BYTES + " bytes");
            return;
        }
        byte[] key = secrets.key(deviceId).orElse(null);
        if (key == null) {
            refuse(response, "DEVICE_UNKNOWN", "No device " + deviceId + " is provisioned; provision it with PUT /api/v1/admin/devices/" + deviceId);
            return;
        }
        String query = request.getQueryString();
        String path = request.getRequestURI() + (query == null ? "" : "?" + query);
        byte[] expected = hmacHex(key, request.getMethod(), path, timestamp, nonce, body);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            refuse(response, "SIGNATURE_MISMATCH",
                    "X-Signature does not match HMAC-SHA256(secret, METHOD\\nPATH_WITH_QUERY\\nX-Timestamp\\nX-Nonce\\nBODY)");
            return;
        }
        if (!nonces.firstUse(deviceId, nonce, now)) {
            refuse(response, "NONCE_REPLAYED", "X-Nonce was already used by this device in the last 10 minutes; use a fresh nonce per request");
            return;
        }
        DeviceRequests.markVerified(request, deviceId);
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private void refuse(HttpServletResponse response, String code, String message) throws IOException {
        Counter.builder("vendpay_device_auth_refused").tag("code", code).register(meters).increment();
        ErrorResponses.write(response, 401, code, message);
    }

    static byte[] hmacHex(byte[] key, String method, String pathWithQuery, String timestamp, String nonce, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((method + "\n" + pathWithQuery + "\n" + timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return HexFormat.of().formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hands the already-read body to the controller. */
    static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            InputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    try {
                        return in.available() == 0;
                    } catch (IOException e) {
                        return true;
                    }
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                /** The body is already in memory: all of it is available now, and then it is all read. */
                @Override
                public void setReadListener(ReadListener listener) {
                    try {
                        listener.onDataAvailable();
                        listener.onAllDataRead();
                    } catch (IOException | RuntimeException e) {
                        listener.onError(e);
                    }
                }

                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        /** The same bytes as text: the wrapped request's reader would find its stream already read. */
        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding != null ? Charset.forName(encoding) : StandardCharsets.UTF_8;
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        }
    }
}
