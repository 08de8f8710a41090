package io.vendpay.sim.internal.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import io.vendpay.shared.ChinaTime;
import io.vendpay.sim.PaymentSandbox;
import io.vendpay.sim.SandboxCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WeChat Pay v3 sandbox: an HTTP server of its own (a second embedded Tomcat, so the
 * platform's calls to it never compete with the platform's own request threads, and header names
 * keep WeChat's spelling, which the SDK reads case-sensitively) that serves the merchant API paths vendpay
 * uses, verifies the merchant's request signatures, signs its answers with its platform key,
 * and sends encrypted, signed notifications on WeChat's retry schedule.
 * <p>
 * Customer side (not part of WeChat's API): {@code POST /sandbox/pay} with
 * {@code {"qrCode": "...", "amountFen": 350, "notify": true}} pays an order as a scanning customer would.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.sandbox", name = "enabled", havingValue = "true")
class WechatSandbox implements PaymentSandbox, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WechatSandbox.class);
    private static final String CODE_URL_PREFIX = "weixin://wxpay/bizpayurl?pr=";
    private static final String TRADES = "/v3/pay/transactions/out-trade-no/";

    private final SandboxProperties props;
    private final JsonMapper json;
    private final WechatCrypto crypto;
    private final NotificationDelivery delivery;
    private final ConcurrentHashMap<String, Trade> trades = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> tradeByCode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RefundRecord> refunds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> refundCalls = new ConcurrentHashMap<>();
    private Tomcat server;
    private int port;

    WechatSandbox(SandboxProperties props, JsonMapper json, @Value("${vendpay.data-dir}") String dataDir) {
        this.props = props;
        this.json = json;
        this.crypto = new WechatCrypto(SandboxCredentials.loadOrCreate(Path.of(dataDir)));
        this.delivery = new NotificationDelivery(props.timeScale());
    }

    /** A Native order as the sandbox keeps it. Mutable fields are guarded by the object's monitor. */
    static final class Trade {
        final String outTradeNo;
        final long totalFen;
        final String description;
        final String notifyUrl;
        final long expiresAt;
        final String codeUrl;
        final long createdAt;
        String state = "NOTPAY";
        String transactionId;
        long paidFen;
        long paidAt;
        long touchedAt;

        Trade(String outTradeNo, long totalFen, String description, String notifyUrl, long expiresAt, String codeUrl) {
            this.outTradeNo = outTradeNo;
            this.totalFen = totalFen;
            this.description = description;
            this.notifyUrl = notifyUrl;
            this.expiresAt = expiresAt;
            this.codeUrl = codeUrl;
            this.createdAt = System.currentTimeMillis();
            this.touchedAt = createdAt;
        }
    }

    record RefundRecord(String outRefundNo, String refundId, String outTradeNo, String transactionId, long refundFen,
                        long totalFen, String notifyUrl, long createdAt) {
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        try {
            var tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createTempDirectory("vendpay-sandbox").toString());
            var connector = new Connector();
            connector.setPort(props.port());
            connector.setProperty("address", "127.0.0.1");
            connector.setProperty("maxThreads", Integer.toString(props.threads()));
            connector.setProperty("minSpareThreads", "2");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", null);
            Tomcat.addServlet(context, "sandbox", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getRequestURI().startsWith("/v3/")) {
                        api(req, resp);
                    } else {
                        customer(req, resp);
                    }
                }
            });
            context.addServletMappingDecoded("/*", "sandbox");
            tomcat.start();
            port = connector.getLocalPort();
            server = tomcat;
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException("Cannot start the payment sandbox on port " + props.port()
                    + "; set vendpay.sandbox.port to a free port", e);
        }
        log.info("event=sandbox.started channel=WECHAT url={} mchid={} time_scale={}", baseUrl(), crypto.merchant().mchid(),
                props.timeScale());
    }

    @Override
    public void stop() {
        if (server != null) {
            try {
                server.stop();
                server.destroy();
            } catch (LifecycleException e) {
                log.debug("event=sandbox.stop_failed error=\"{}\"", e.toString());
            }
            server = null;
        }
        delivery.close();
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        return -100;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    // ---------------------------------------------------------------- WeChat API

    private void api(HttpServletRequest req, HttpServletResponse x) throws IOException {
        try {
            String method = req.getMethod();
            String path = req.getRequestURI();
            String query = req.getQueryString();
            String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String problem = crypto.checkMerchantSignature(method, path + (query == null ? "" : "?" + query), body,
                    req.getHeader("Authorization"), System.currentTimeMillis() / 1000);
            if (problem != null) {
                error(x, 401, "SIGN_ERROR", problem);
                return;
            }
            if (method.equals("POST") && path.equals("/v3/pay/transactions/native")) {
                nativePrepay(x, json.readTree(body));
            } else if (method.equals("POST") && path.startsWith(TRADES) && path.endsWith("/close")) {
                close(x, path.substring(TRADES.length(), path.length() - "/close".length()));
            } else if (method.equals("POST") && path.equals("/v3/refund/domestic/refunds")) {
                refund(x, json.readTree(body));
            } else {
                error(x, 404, "NOT_FOUND", "the sandbox does not serve " + method + " " + path);
            }
        } catch (RuntimeException e) {
            log.warn("event=sandbox.error error=\"{}\"", e.toString());
            error(x, 500, "SYSTEM_ERROR", "sandbox failure: " + e.getMessage());
        }
    }

    private void nativePrepay(HttpServletResponse x, JsonNode r) throws IOException {
        if (!crypto.merchant().mchid().equals(r.path("mchid").asString(null))
                || !crypto.merchant().appid().equals(r.path("appid").asString(null))) {
            error(x, 400, "PARAM_ERROR", "mchid/appid do not match the sandbox merchant");
            return;
        }
        String outTradeNo = r.path("out_trade_no").asString("");
        long total = r.path("amount").path("total").asLong(0);
        if (outTradeNo.length() < 6 || outTradeNo.length() > 32 || total <= 0) {
            error(x, 400, "PARAM_ERROR", "out_trade_no must be 6-32 characters and amount.total positive");
            return;
        }
        long expiresAt = r.has("time_expire")
                ? java.time.OffsetDateTime.parse(r.path("time_expire").asString()).toInstant().toEpochMilli()
                : System.currentTimeMillis() + 2 * 3600_000;
        String code = CODE_URL_PREFIX + crypto.randomString(16);
        Trade fresh = new Trade(outTradeNo, total, r.path("description").asString(""), r.path("notify_url").asString(null),
                expiresAt, code);
        Trade t = trades.putIfAbsent(outTradeNo, fresh);
        if (t == null) {
            t = fresh;
            tradeByCode.put(code, outTradeNo);
        } else if (t.totalFen != total) {
            error(x, 400, "INVALID_REQUEST", "out_trade_no already used with other parameters");
            return;
        } else if (!"NOTPAY".equals(t.state)) {
            error(x, 400, "SUCCESS".equals(t.state) ? "ORDERPAID" : "ORDERCLOSED",
                    "order is " + t.state);
            return;
        }
        signed(x, 200, Map.of("code_url", t.codeUrl));
    }

    private void close(HttpServletResponse x, String outTradeNo) throws IOException {
        Trade t = trades.get(outTradeNo);
        if (t != null) {
            synchronized (t) {
                if ("SUCCESS".equals(t.state)) {
                    error(x, 400, "ORDERPAID", "order " + outTradeNo + " is paid");
                    return;
                }
                t.state = "CLOSED";
                t.touchedAt = System.currentTimeMillis();
            }
        }
        x.setStatus(204);
        crypto.signedHeaders("").forEach(x::setHeader);
    }

    private void refund(HttpServletResponse x, JsonNode r) throws IOException {
        String outRefundNo = r.path("out_refund_no").asString("");
        refundCalls.computeIfAbsent(outRefundNo, k -> new AtomicInteger()).incrementAndGet();
        RefundRecord existing = refunds.get(outRefundNo);
        if (existing != null) {
            signed(x, 200, refundView(existing, "PROCESSING"));
            return;
        }
        String txn = r.path("transaction_id").asString(null);
        String outTradeNo = r.path("out_trade_no").asString(null);
        Trade t = outTradeNo != null ? trades.get(outTradeNo)
                : trades.values().stream().filter(tr -> txn != null && txn.equals(tr.transactionId)).findFirst().orElse(null);
        if (t == null || t.transactionId == null) {
            error(x, 404, "RESOURCE_NOT_EXISTS", "no paid order for this refund");
            return;
        }
        long refund = r.path("amount").path("refund").asLong(0);
        long total = r.path("amount").path("total").asLong(0);
        if (refund <= 0 || refund > t.paidFen || total != t.paidFen) {
            error(x, 400, "PARAM_ERROR", "amount.refund must be positive and at most the paid amount; amount.total must equal it");
            return;
        }
        var record = new RefundRecord(outRefundNo, "5030" + crypto.randomDigits(25), t.outTradeNo, t.transactionId, refund,
                t.paidFen, r.path("notify_url").asString(null), System.currentTimeMillis());
        RefundRecord raced = refunds.putIfAbsent(outRefundNo, record);
        if (raced != null) {
            record = raced;
        } else if (record.notifyUrl() != null) {
            RefundRecord done = record;
            delivery.deliver(new NotificationDelivery.Outgoing(record.notifyUrl(), () -> refundNotification(done)),
                    props.refundDelay().toMillis());
        }
        synchronized (t) {
            t.touchedAt = System.currentTimeMillis();
        }
        signed(x, 200, refundView(record, "PROCESSING"));
    }

    private Map<String, Object> refundView(RefundRecord r, String status) {
        var m = new LinkedHashMap<String, Object>();
        m.put("refund_id", r.refundId());
        m.put("out_refund_no", r.outRefundNo());
        m.put("transaction_id", r.transactionId());
        m.put("out_trade_no", r.outTradeNo());
        m.put("channel", "ORIGINAL");
        m.put("user_received_account", "支付用户零钱");
        m.put("create_time", ChinaTime.rfc3339(r.createdAt()));
        m.put("status", status);
        m.put("funds_account", "AVAILABLE");
        m.put("amount", Map.of("total", r.totalFen(), "refund", r.refundFen(), "payer_total", r.totalFen(),
                "payer_refund", r.refundFen(), "settlement_refund", r.refundFen(), "settlement_total", r.totalFen(),
                "discount_refund", 0, "currency", "CNY"));
        return m;
    }

    // ---------------------------------------------------------------- customer side

    private void customer(HttpServletRequest req, HttpServletResponse x) throws IOException {
        try {
            String path = req.getRequestURI();
            if (req.getMethod().equals("POST") && path.equals("/sandbox/pay")) {
                JsonNode r = json.readTree(req.getInputStream().readAllBytes());
                Long amount = r.hasNonNull("amountFen") ? r.path("amountFen").asLong() : null;
                try {
                    String txn = pay(r.path("qrCode").asString(""), amount, r.path("notify").asBoolean(true));
                    plain(x, 200, json.writeValueAsString(Map.of("transactionId", txn)));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    plain(x, 409, json.writeValueAsString(Map.of("code", "CANNOT_PAY", "message", e.getMessage())));
                }
            } else {
                plain(x, 404, "{\"code\":\"NOT_FOUND\"}");
            }
        } catch (RuntimeException e) {
            plain(x, 400, "{\"code\":\"BAD_REQUEST\",\"message\":\"" + e.getMessage().replace('"', '\'') + "\"}");
        }
    }

    @Override
    public String pay(String qrCode, Long amountFen, boolean notify) {
        String outTradeNo = tradeByCode.get(qrCode);
        Trade t = outTradeNo == null ? null : trades.get(outTradeNo);
        if (t == null) {
            throw new IllegalArgumentException("unknown QR code");
        }
        synchronized (t) {
            if (!"NOTPAY".equals(t.state)) {
                throw new IllegalStateException("order " + t.outTradeNo + " is " + t.state);
            }
            t.state = "SUCCESS";
            t.transactionId = "4200" + crypto.randomDigits(24);
            t.paidFen = amountFen == null ? t.totalFen : amountFen;
            t.paidAt = System.currentTimeMillis();
            t.touchedAt = t.paidAt;
        }
        if (notify && t.notifyUrl != null) {
            delivery.deliver(new NotificationDelivery.Outgoing(t.notifyUrl, () -> paymentNotificationOf(t)), 0);
        }
        return t.transactionId;
    }

    @Override
    public Optional<SignedRequest> paymentNotification(String outTradeNo) {
        Trade t = trades.get(outTradeNo);
        if (t == null || t.transactionId == null) {
            return Optional.empty();
        }
        var s = paymentNotificationOf(t);
        return Optional.of(new SignedRequest(java.net.URI.create(t.notifyUrl).getPath(), s.headers(),
                s.body().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Map<String, Integer> refundRequests() {
        var m = new LinkedHashMap<String, Integer>();
        refundCalls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    // ---------------------------------------------------------------- notifications

    private NotificationDelivery.Signed paymentNotificationOf(Trade t) {
        var tx = new LinkedHashMap<String, Object>();
        tx.put("mchid", crypto.merchant().mchid());
        tx.put("appid", crypto.merchant().appid());
        tx.put("out_trade_no", t.outTradeNo);
        tx.put("transaction_id", t.transactionId);
        tx.put("trade_type", "NATIVE");
        tx.put("trade_state", "SUCCESS");
        tx.put("trade_state_desc", "支付成功");
        tx.put("bank_type", "OTHERS");
        tx.put("attach", "");
        tx.put("success_time", ChinaTime.rfc3339(t.paidAt));
        tx.put("payer", Map.of("openid", "oSandbox" + Integer.toHexString(t.outTradeNo.hashCode())));
        tx.put("amount", Map.of("total", t.paidFen, "payer_total", t.paidFen, "currency", "CNY", "payer_currency", "CNY"));
        return envelope("TRANSACTION.SUCCESS", "transaction", "支付成功", tx);
    }

    private NotificationDelivery.Signed refundNotification(RefundRecord r) {
        var m = new LinkedHashMap<String, Object>();
        m.put("mchid", crypto.merchant().mchid());
        m.put("out_trade_no", r.outTradeNo());
        m.put("transaction_id", r.transactionId());
        m.put("out_refund_no", r.outRefundNo());
        m.put("refund_id", r.refundId());
        m.put("refund_status", "SUCCESS");
        m.put("success_time", ChinaTime.rfc3339(System.currentTimeMillis()));
        m.put("user_received_account", "支付用户零钱");
        m.put("amount", Map.of("total", r.totalFen(), "refund", r.refundFen(), "payer_total", r.totalFen(),
                "payer_refund", r.refundFen()));
        return envelope("REFUND.SUCCESS", "refund", "退款成功", m);
    }

    private NotificationDelivery.Signed envelope(String eventType, String originalType, String summary, Map<String, Object> resource) {
        var n = new LinkedHashMap<String, Object>();
        n.put("id", UUID.randomUUID().toString());
        n.put("create_time", ChinaTime.rfc3339(System.currentTimeMillis()));
        n.put("resource_type", "encrypt-resource");
        n.put("event_type", eventType);
        n.put("summary", summary);
        n.put("resource", crypto.encrypt(json.writeValueAsString(resource), originalType, originalType));
        String body = json.writeValueAsString(n);
        return new NotificationDelivery.Signed(crypto.signedHeaders(body), body);
    }

    // ---------------------------------------------------------------- plumbing

    private void signed(HttpServletResponse x, int status, Map<String, ?> answer) throws IOException {
        String body = json.writeValueAsString(answer);
        crypto.signedHeaders(body).forEach(x::setHeader);
        plain(x, status, body);
    }

    private void error(HttpServletResponse x, int status, String code, String message) throws IOException {
        signed(x, status, Map.of("code", code, "message", message));
    }

    private static void plain(HttpServletResponse x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.setStatus(status);
        x.setContentType("application/json; charset=utf-8");
        x.setContentLength(bytes.length);
        x.getOutputStream().write(bytes);
    }

    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 60, timeUnit = TimeUnit.SECONDS)
    void forgetOldTrades() {
        long before = System.currentTimeMillis() - props.retention().toMillis();
        trades.values().removeIf(t -> {
            boolean old;
            synchronized (t) {
                old = t.touchedAt < before && t.expiresAt < System.currentTimeMillis();
            }
            if (old) {
                tradeByCode.remove(t.codeUrl);
            }
            return old;
        });
        refunds.values().removeIf(r -> r.createdAt() < before);
    }
}
