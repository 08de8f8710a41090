package io.vendpay.fleet.internal;

import java.io.IOException;
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
import io.vendpay.shared.BoundedBodyFilter;
import io.vendpay.shared.ErrorResponses;
import io.vendpay.shared.LoadShedder;
import io.vendpay.shared.NativeCrypto;
import io.vendpay.shared.StoreFailures;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The device API's front door: authentication with admission control (contract section 2). It runs once the
 * body is in memory ({@link BoundedBodyFilter} read it without a thread, bounded to the device limit), so a
 * slow or oversized upload never holds one of the admission places. The headers' cheap checks come first;
 * then admission, before any database work: a request the platform cannot take now is answered 429 with
 * {@code Retry-After} in microseconds instead of queueing for a connection and timing out, which is how
 * overload turns into collapse. The nonce is recorded only for a request whose signature verified, so junk
 * cannot fill the nonce table. A refused request answers 401 with a code saying which check failed, and
 * reaches no controller.
 */
class DeviceSignatureFilter extends OncePerRequestFilter {

    static final long TIMESTAMP_WINDOW_MS = 300_000;
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern NONCE = Pattern.compile("[\\x21-\\x7e]{16,64}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");
    private static final ThreadLocal<Mac> HMAC = NativeCrypto.macPerThread("HmacSHA256");

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

    /** The body is read on the REQUEST dispatch without a thread; this filter runs on the ASYNC one that follows. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Headers headers = checkHeaders(request, response);
        if (headers == null) {
            return;
        }
        if (!admission.tryEnter()) {
            response.setHeader("Retry-After", "1");
            ErrorResponses.write(response, 429, "OVERLOADED", "The platform is at capacity; retry after 1 s");
            return;
        }
        var left = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable leave = () -> {
            if (left.compareAndSet(false, true)) {
                admission.exit();
            }
        };
        DeviceRequests.onLeave(request, leave);
        try {
            authenticate(headers, request, response, chain);
        } catch (RuntimeException e) {
            // the secret and the nonce come from the store before anything else: with the store away, say so at
            // once (a controller's own store failures are answered by ApiExceptionHandler and do not reach here)
            if (response.isCommitted() || !answeredStoreFailure(response, e)) {
                throw e;
            }
        } finally {
            leave.run();    // unless the controller gave it back already (DeviceRequests.leaveAdmission)
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

    private record Headers(String deviceId, String timestamp, String nonce, String signature, long now) {
    }

    /** The checks that need nothing but the headers; {@code null} once a refusal was written. */
    private Headers checkHeaders(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String deviceId = request.getHeader("X-Device-Id");
        String timestamp = request.getHeader("X-Timestamp");
        String nonce = request.getHeader("X-Nonce");
        String signature = request.getHeader("X-Signature");
        if (deviceId == null || timestamp == null || nonce == null || signature == null) {
            refuse(response, "SIGNATURE_MISSING",
                    "Device requests need X-Device-Id, X-Timestamp, X-Nonce and X-Signature headers");
            return null;
        }
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            refuse(response, "DEVICE_ID_INVALID", "X-Device-Id must be 1 to 32 of [A-Za-z0-9_-]");
            return null;
        }
        long now = System.currentTimeMillis();
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            refuse(response, "TIMESTAMP_INVALID", "X-Timestamp must be epoch milliseconds");
            return null;
        }
        if (Math.abs(now - ts) > TIMESTAMP_WINDOW_MS) {
            refuse(response, "TIMESTAMP_STALE", "X-Timestamp is more than 300 s from server time ("
                    + now + "); check the machine's clock (NTP)");
            return null;
        }
        if (!NONCE.matcher(nonce).matches()) {
            refuse(response, "NONCE_INVALID", "X-Nonce must be 16 to 64 printable ASCII characters without spaces");
            return null;
        }
        if (!SIGNATURE.matcher(signature).matches()) {
            refuse(response, "SIGNATURE_INVALID", "X-Signature must be 64 lowercase hex characters (HMAC-SHA256)");
            return null;
        }
        return new Headers(deviceId, timestamp, nonce, signature, now);
    }

    private void authenticate(Headers h, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = BoundedBodyFilter.body(request);
        byte[] key = secrets.key(h.deviceId()).orElse(null);
        if (key == null) {
            refuse(response, "DEVICE_UNKNOWN", "No device " + h.deviceId() + " is provisioned; provision it with PUT /api/v1/admin/devices/"
                    + h.deviceId());
            return;
        }
        String query = request.getQueryString();
        String path = request.getRequestURI() + (query == null ? "" : "?" + query);
        byte[] expected = hmacHex(key, request.getMethod(), path, h.timestamp(), h.nonce(), body);
        if (!MessageDigest.isEqual(expected, h.signature().getBytes(StandardCharsets.US_ASCII))) {
            refuse(response, "SIGNATURE_MISMATCH",
                    "X-Signature does not match HMAC-SHA256(secret, METHOD\\nPATH_WITH_QUERY\\nX-Timestamp\\nX-Nonce\\nBODY)");
            return;
        }
        if (!nonces.firstUse(h.deviceId(), h.nonce(), h.now())) {
            refuse(response, "NONCE_REPLAYED", "X-Nonce was already used by this device in the last 10 minutes; use a fresh nonce per request");
            return;
        }
        DeviceRequests.markVerified(request, h.deviceId());
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, String code, String message) throws IOException {
        Counter.builder("vendpay_device_auth_refused").tag("code", code).register(meters).increment();
        ErrorResponses.write(response, 401, code, message);
    }

    static byte[] hmacHex(byte[] key, String method, String pathWithQuery, String timestamp, String nonce, byte[] body) {
        try {
            Mac mac = HMAC.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((method + "\n" + pathWithQuery + "\n" + timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return HexFormat.of().formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
