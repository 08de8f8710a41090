package io.vendpay.payment.internal.alipay;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vendpay.shared.ChinaTime;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alipay's open-platform gateway ({@code gateway.do}) as vendpay calls it: the common parameters written here,
 * signed RSA2 (SHA256withRSA over the sorted non-empty {@code k=v&...} of every parameter but {@code sign},
 * {@code sign_type} included, as Alipay's SDK signs requests), posted as a form (common parameters in the query,
 * {@code biz_content} in the body, as the SDK sends them) on one keep-alive client, and each answer verified with
 * Alipay's public key over the exact text of its {@code <method>_response} object before any of it is read.
 */
final class AlipayOpenApi {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ChinaTime.ZONE);
    private static final ThreadLocal<Signature> SHA256_WITH_RSA = io.vendpay.shared.NativeCrypto.signaturePerThread("SHA256withRSA");

    /** An answer that failed verification or cannot be read: nothing in it is trusted. */
    static final class Untrusted extends RuntimeException {
        Untrusted(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The fields vendpay reads of an answer, whichever method it answers (the rest are ignored): code and
     * sub_code on all; qr_code (precreate); trade_no, trade_status, total_amount, send_pay_date (query);
     * fund_change (refund); refund_status (refund query).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(String code, String msg, @JsonProperty("sub_code") String subCode, @JsonProperty("sub_msg") String subMsg,
                  @JsonProperty("qr_code") String qrCode, @JsonProperty("trade_no") String tradeNo,
                  @JsonProperty("trade_status") String tradeStatus, @JsonProperty("total_amount") String totalAmount,
                  @JsonProperty("send_pay_date") String sendPayDate, @JsonProperty("fund_change") String fundChange,
                  @JsonProperty("refund_status") String refundStatus, @JsonIgnore String body) {

        /** Alipay's success: code 10000 and no sub_code. */
        boolean succeeded() {
            return "10000".equals(code) && (subCode == null || subCode.isEmpty());
        }

        Answer withBody(String raw) {
            return new Answer(code, msg, subCode, subMsg, qrCode, tradeNo, tradeStatus, totalAmount, sendPayDate, fundChange,
                    refundStatus, raw);
        }
    }

    private final URI gateway;
    private final String appId;
    private final PrivateKey appKey;
    private final PublicKey alipayKey;
    private final JsonMapper json;
    private final Duration readTimeout;
    private final ExecutorService executor;
    private final HttpClient http;

    AlipayOpenApi(String gatewayUrl, String appId, PrivateKey appKey, PublicKey alipayKey, int connectTimeoutMs, int readTimeoutMs,
                  JsonMapper json) {
        this.gateway = URI.create(gatewayUrl);
        this.appId = appId;
        this.appKey = appKey;
        this.alipayKey = alipayKey;
        this.json = json;
        this.readTimeout = Duration.ofMillis(readTimeoutMs);
        if (alipayKey instanceof RSAKey a && appKey instanceof RSAKey p && a.getModulus().equals(p.getModulus())) {
            throw new IllegalStateException("vendpay.channels.alipay.alipay-public-key is the app's own public key: "
                    + "configure Alipay's public key (from the open platform), not the app's");
        }
        // The client's own tasks (connection events, body handoff) run here; callers block in send(). Bounded, so
        // a burst of calls cannot grow threads without limit; daemon, so a forgotten shutdown never holds the JVM.
        var threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            var t = new Thread(r, "alipay-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(connectTimeoutMs))
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
    }

    void shutdown() {
        executor.shutdownNow();
    }

    /** Calls {@code method}; throws {@link IOException} when Alipay cannot be reached, {@link Untrusted} for an answer not to believe. */
    Answer call(String method, String bizContent, String notifyUrl) throws IOException, InterruptedException {
        Map<String, String> common = signedParameters(method, bizContent, notifyUrl, System.currentTimeMillis());
        var request = HttpRequest.newBuilder(URI.create(gateway + "?" + form(common))).timeout(readTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("biz_content=" + encode(bizContent))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("Alipay gateway answered HTTP " + response.statusCode());
        }
        return verifiedAnswer(method, response.body());
    }

    /** Every parameter of a call but {@code biz_content}, which travels in the body, with {@code sign} over all of them. */
    Map<String, String> signedParameters(String method, String bizContent, String notifyUrl, long now) {
        var p = new TreeMap<String, String>();
        p.put("app_id", appId);
        p.put("method", method);
        p.put("format", "JSON");
        p.put("charset", "utf-8");
        p.put("sign_type", "RSA2");
        p.put("timestamp", TIMESTAMP.format(Instant.ofEpochMilli(now)));
        p.put("version", "1.0");
        if (notifyUrl != null && !notifyUrl.isEmpty()) {
            p.put("notify_url", notifyUrl);
        }
        p.put("biz_content", bizContent);
        var content = new StringBuilder(256 + bizContent.length());
        p.forEach((k, v) -> {
            if (!v.isEmpty()) {
                content.append(content.length() == 0 ? "" : "&").append(k).append('=').append(v);
            }
        });
        p.remove("biz_content");
        p.put("sign", sign(content.toString()));
        return p;
    }

    /**
     * The answer {@code {"<method>_response": {...}, "sign": "..."}} read only after the signature over the exact
     * characters of the response object verified ({@code error_response} is the gateway's own refusal layout). The
     * body is read by a streaming parser, not searched for text: a {@code "sign"} inside a value, a repeated key,
     * or anything after the object cannot move what is verified.
     */
    Answer verifiedAnswer(String method, String body) {
        String root = method.replace('.', '_') + "_response";
        int start = -1;
        int end = -1;
        String sign = null;
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Untrusted("the answer is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals(root) || name.equals("error_response")) {
                    if (start >= 0) {
                        throw new Untrusted("the answer has two response objects");
                    }
                    if (value != JsonToken.START_OBJECT) {
                        throw new Untrusted("the answer's " + name + " is not an object");
                    }
                    start = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    end = (int) p.currentTokenLocation().getCharOffset() + 1;
                } else if (name.equals("sign")) {
                    if (sign != null || value != JsonToken.VALUE_STRING) {
                        throw new Untrusted("the answer's sign is repeated or not a string");
                    }
                    sign = p.getString();
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new Untrusted("the answer is not one JSON object");
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw new Untrusted("the answer is not JSON: " + e.getOriginalMessage());
        }
        if (start < 0) {
            throw new Untrusted("the answer has no " + root);
        }
        if (sign == null || sign.isEmpty()) {
            throw new Untrusted("the answer is unsigned");
        }
        String content = body.substring(start, end);
        // Alipay's SDK also accepts a signature over the text with JSON's optional "\/" written as "/".
        if (!verifies(content, sign) && !(content.contains("\\/") && verifies(content.replace("\\/", "/"), sign))) {
            throw new Untrusted("the answer's signature does not verify with Alipay's public key");
        }
        try {
            return json.readValue(content, Answer.class).withBody(body);
        } catch (tools.jackson.core.JacksonException e) {
            throw new Untrusted("the answer's fields are malformed: " + e.getOriginalMessage());
        }
    }

    String sign(String content) {
        try {
            Signature s = SHA256_WITH_RSA.get();
            s.initSign(appKey);
            s.update(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the app's private key", e);
        }
    }

    boolean verifies(String content, String base64Signature) {
        return verifies(alipayKey, content.getBytes(StandardCharsets.UTF_8), base64Signature);
    }

    /** SHA256withRSA, the signature in Base64 read leniently as Alipay's SDK reads it (characters outside the alphabet skipped). */
    static boolean verifies(PublicKey key, byte[] content, String base64Signature) {
        try {
            Signature s = SHA256_WITH_RSA.get();
            s.initVerify(key);
            s.update(content);
            return s.verify(Base64.getMimeDecoder().decode(base64Signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static String form(Map<String, String> params) {
        var b = new StringBuilder(512);
        params.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=').append(encode(v)));
        return b.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
