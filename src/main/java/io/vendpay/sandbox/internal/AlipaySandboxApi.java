package io.vendpay.sandbox.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.Money;
import io.vendpay.sandbox.AlipaySandboxCredentials;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alipay's open-platform gateway as the sandbox plays it ({@code /gateway.do}): verifies each
 * request's RSA2 signature with the app's public key, answers with
 * {@code {"<method>_response": {...}, "sign": "..."}} signed with Alipay's key over the exact node
 * text, answers business errors with HTTP 200 and a {@code sub_code} as Alipay does, and sends
 * trade notifications form-encoded on Alipay's retry schedule.
 */
final class AlipaySandboxApi {

    static final String CHANNEL = "ALIPAY";
    static final long[] ALIPAY_RETRY_SECONDS = {240, 600, 600, 3600, 7200, 21600, 54000};
    private static final Logger log = LoggerFactory.getLogger(AlipaySandboxApi.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ChinaTime.ZONE);

    private final AlipaySandboxCredentials app;
    private static final ThreadLocal<Signature> RSA = io.vendpay.shared.NativeCrypto.signaturePerThread("SHA256withRSA");
    private final PrivateKey alipayKey;
    private final PublicKey appKey;
    private final SandboxLedger ledger;
    private final NotificationDelivery delivery;
    private final SandboxFaults faults;
    private final JsonMapper json;

    AlipaySandboxApi(AlipaySandboxCredentials app, SandboxLedger ledger, NotificationDelivery delivery, SandboxFaults faults,
                     JsonMapper json) {
        this.app = app;
        this.alipayKey = app.alipayPrivateKey();
        this.appKey = app.appPublicKey();
        this.ledger = ledger;
        this.delivery = delivery;
        this.faults = faults;
        this.json = json;
    }

    /** Alipay: the merchant's answer counts only when its body is exactly {@code success}. */
    static boolean accepted(int status, String body) {
        return "success".equals(body);
    }

    void handle(HttpServletRequest req, HttpServletResponse x) throws IOException {
        Map<String, String> params = new HashMap<>();
        req.getParameterMap().forEach((k, v) -> params.put(k, v.length == 0 ? "" : v[0]));
        String method = params.getOrDefault("method", "");
        try {
            if (!signedByApp(params)) {
                answer(x, method, error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错"));
                return;
            }
            if (!app.appId().equals(params.get("app_id"))) {
                answer(x, method, error("40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数"));
                return;
            }
            JsonNode biz = json.readTree(params.getOrDefault("biz_content", "{}"));
            Map<String, Object> result = switch (method) {
                case "alipay.trade.precreate" -> precreate(biz, params.get("notify_url"));
                case "alipay.trade.query" -> query(biz);
                case "alipay.trade.close" -> close(biz);
                case "alipay.trade.refund" -> refund(biz);
                case "alipay.trade.fastpay.refund.query" -> refundQuery(biz);
                default -> error("40004", "Business Failed", "isv.invalid-method", "不支持的方法 " + method);
            };
            answer(x, method, result);
        } catch (RuntimeException e) {
            log.warn("event=sandbox.error channel=ALIPAY method={} error=\"{}\"", method, e.toString());
            answer(x, method, error("20000", "Service Currently Unavailable", "aop.ACQ.SYSTEM_ERROR", "系统繁忙"));
        }
    }

    private Map<String, Object> precreate(JsonNode biz, String notifyUrl) {
        String outTradeNo = biz.path("out_trade_no").asString("");
        long total;
        try {
            total = Money.fenOf(biz.path("total_amount").asString(""));
        } catch (NumberFormatException e) {
            return error("40004", "Business Failed", "ACQ.INVALID_PARAMETER", "total_amount 格式错误");
        }
        long now = System.currentTimeMillis();
        long expiresAt = biz.hasNonNull("time_expire")
                ? LocalDateTime.parse(biz.path("time_expire").asString(), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
                .atZone(ChinaTime.ZONE).toInstant().toEpochMilli() : now + 2 * 3600_000;
        String code = "https://qr.alipay.com/bax" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        var trade = new SandboxLedger.Trade(CHANNEL, outTradeNo, code, total, biz.path("subject").asString(""), notifyUrl,
                expiresAt, now, "NOTPAY", null, null, null, null, 0);
        if (!ledger.insertTrade(trade)) {
            var existing = ledger.trade(CHANNEL, outTradeNo).orElseThrow();
            if (!"NOTPAY".equals(existing.state()) || existing.totalFen() != total) {
                return error("40004", "Business Failed", "ACQ.TRADE_HAS_SUCCESS", "交易已被支付或参数不一致");
            }
            trade = existing;
        }
        return ok(Map.of("out_trade_no", outTradeNo, "qr_code", trade.code()));
    }

    private Map<String, Object> query(JsonNode biz) {
        var t = ledger.trade(CHANNEL, biz.path("out_trade_no").asString("")).orElse(null);
        if (t == null || t.transactionId() == null) {
            // Alipay creates the trade only when the buyer scans: an unpaid precreate does not exist yet
            return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");
        }
        var m = new LinkedHashMap<String, Object>();
        m.put("trade_no", t.transactionId());
        m.put("out_trade_no", t.outTradeNo());
        m.put("buyer_logon_id", "159****5620");
        m.put("trade_status", t.refundedFen() >= t.paidFen() ? "TRADE_CLOSED" : "TRADE_SUCCESS");
        m.put("total_amount", Money.yuan(t.paidFen()));
        m.put("buyer_pay_amount", Money.yuan(t.paidFen()));
        m.put("receipt_amount", Money.yuan(t.paidFen()));
        m.put("send_pay_date", TIME.format(Instant.ofEpochMilli(t.paidAt())));
        m.put("buyer_user_id", "2088102177846880");
        return ok(m);
    }

    private Map<String, Object> close(JsonNode biz) {
        String outTradeNo = biz.path("out_trade_no").asString("");
        if (SandboxFaults.take(faults.failCloseRequests)) {
            return error("20000", "Service Currently Unavailable", "aop.ACQ.SYSTEM_ERROR", "系统繁忙");
        }
        var before = ledger.trade(CHANNEL, outTradeNo).orElse(null);
        String state = ledger.close(CHANNEL, outTradeNo, System.currentTimeMillis());
        if ("SUCCESS".equals(state)) {
            return error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
        }
        if (before == null || before.transactionId() == null) {
            return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");
        }
        return ok(Map.of("out_trade_no", outTradeNo));
    }

    private Map<String, Object> refund(JsonNode biz) {
        String outTradeNo = biz.path("out_trade_no").asString("");
        String outRequestNo = biz.path("out_request_no").asString(outTradeNo);
        var existing = ledger.refundOf(CHANNEL, outRequestNo);
        if (existing.isEmpty() && SandboxFaults.take(faults.failRefundRequests)) {
            return error("20000", "Service Currently Unavailable", "aop.ACQ.SYSTEM_ERROR", "系统繁忙");
        }
        var t = ledger.trade(CHANNEL, outTradeNo).orElse(null);
        if (t == null || t.transactionId() == null) {
            return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");
        }
        long amount;
        try {
            amount = Money.fenOf(biz.path("refund_amount").asString(""));
        } catch (NumberFormatException e) {
            return error("40004", "Business Failed", "ACQ.INVALID_PARAMETER", "refund_amount 格式错误");
        }
        long now = System.currentTimeMillis();
        boolean fresh = existing.isEmpty();
        if (fresh && (amount <= 0 || amount > t.paidFen() - t.refundedFen())) {
            return error("40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
        }
        var stored = fresh ? ledger.refund(new SandboxLedger.Refund(CHANNEL, outRequestNo, "A" + outRequestNo, outTradeNo,
                t.transactionId(), amount, t.paidFen(), t.notifyUrl(), "SUCCESS", now, now, 1)) : ledger.refund(existing.get());
        var after = ledger.trade(CHANNEL, outTradeNo).orElseThrow();
        if (fresh && after.notifyUrl() != null && !SandboxFaults.take(faults.dropRefundNotifications)) {
            delivery.deliver(new NotificationDelivery.Outgoing(after.notifyUrl(), () -> refundNotice(after, stored)), 0);
        }
        var m = new LinkedHashMap<String, Object>();
        m.put("trade_no", t.transactionId());
        m.put("out_trade_no", outTradeNo);
        m.put("buyer_logon_id", "159****5620");
        m.put("fund_change", fresh ? "Y" : "N");
        m.put("refund_fee", Money.yuan(after.refundedFen()));
        m.put("gmt_refund_pay", TIME.format(Instant.ofEpochMilli(stored.createdAt())));
        m.put("buyer_user_id", "2088102177846880");
        return ok(m);
    }

    private Map<String, Object> refundQuery(JsonNode biz) {
        String outTradeNo = biz.path("out_trade_no").asString("");
        var r = ledger.refundOf(CHANNEL, biz.path("out_request_no").asString(outTradeNo)).orElse(null);
        var m = new LinkedHashMap<String, Object>();
        m.put("out_trade_no", outTradeNo);
        m.put("out_request_no", biz.path("out_request_no").asString(""));
        if (r != null) {
            m.put("trade_no", r.transactionId());
            m.put("total_amount", Money.yuan(r.totalFen()));
            m.put("refund_amount", Money.yuan(r.refundFen()));
            m.put("refund_status", "REFUND_SUCCESS");
            m.put("gmt_refund_pay", TIME.format(Instant.ofEpochMilli(r.createdAt())));
        }
        return ok(m);
    }

    // ---------------------------------------------------------------- customer and notifications

    String pay(SandboxLedger.Trade t, Long amountFen, boolean notify, int copies) {
        long now = System.currentTimeMillis();
        String tradeNo = TIME.format(Instant.ofEpochMilli(now)).substring(0, 10).replace("-", "") + "22001"
                + String.format("%017d", ThreadLocalRandom.current().nextLong(100_000_000_000_000_00L));
        ledger.pay(t, tradeNo, amountFen, now);
        if (notify && t.notifyUrl() != null) {
            String outTradeNo = t.outTradeNo();
            long delay = SandboxFaults.take(faults.delayedPaymentNotifications) ? faults.paymentNotificationDelay.get() : 0;
            for (int i = 0; i < copies; i++) {
                delivery.deliver(new NotificationDelivery.Outgoing(t.notifyUrl(),
                        () -> tradeNotice(ledger.trade(CHANNEL, outTradeNo).orElseThrow(), "TRADE_SUCCESS", null)), delay);
            }
        }
        return tradeNo;
    }

    /** The notification Alipay would send for the trade with this status (TRADE_SUCCESS, TRADE_FINISHED, ...). */
    Map<String, String> notice(String outTradeNo, String tradeStatus) {
        var t = ledger.trade(CHANNEL, outTradeNo).orElseThrow(() -> new IllegalArgumentException("no trade " + outTradeNo));
        return formOf(tradeNotice(t, tradeStatus, null).body());
    }

    private NotificationDelivery.Signed refundNotice(SandboxLedger.Trade t, SandboxLedger.Refund r) {
        // full refunds close the trade; partial ones keep it TRADE_SUCCESS, and both carry the refund fields
        return tradeNotice(t, t.refundedFen() >= t.paidFen() ? "TRADE_CLOSED" : "TRADE_SUCCESS", r);
    }

    private NotificationDelivery.Signed tradeNotice(SandboxLedger.Trade t, String tradeStatus, SandboxLedger.Refund refund) {
        long now = System.currentTimeMillis();
        var p = new TreeMap<String, String>();
        p.put("notify_time", TIME.format(Instant.ofEpochMilli(now)));
        p.put("notify_type", "trade_status_sync");
        p.put("notify_id", "2025" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
        p.put("app_id", app.appId());
        p.put("auth_app_id", app.appId());
        p.put("charset", "UTF-8");
        p.put("version", "1.0");
        p.put("trade_no", t.transactionId());
        p.put("out_trade_no", t.outTradeNo());
        p.put("trade_status", tradeStatus);
        p.put("total_amount", Money.yuan(t.paidFen()));
        p.put("receipt_amount", Money.yuan(t.paidFen()));
        p.put("buyer_pay_amount", Money.yuan(t.paidFen()));
        p.put("invoice_amount", Money.yuan(t.paidFen()));
        p.put("point_amount", "0.00");
        p.put("subject", t.description());
        p.put("gmt_create", TIME.format(Instant.ofEpochMilli(t.createdAt())));
        p.put("gmt_payment", TIME.format(Instant.ofEpochMilli(t.paidAt())));
        p.put("buyer_id", "2088102177846880");
        p.put("buyer_logon_id", "159****5620");
        p.put("seller_id", app.sellerId());
        p.put("fund_bill_list", "[{\"amount\":\"" + Money.yuan(t.paidFen()) + "\",\"fundChannel\":\"ALIPAYACCOUNT\"}]");
        if (refund != null) {
            p.put("out_biz_no", refund.outRefundNo());
            p.put("refund_fee", Money.yuan(t.refundedFen()));
            p.put("gmt_refund", TIME.format(Instant.ofEpochMilli(refund.createdAt())) + ".000");
        }
        if ("TRADE_CLOSED".equals(tradeStatus)) {
            p.put("gmt_close", TIME.format(Instant.ofEpochMilli(now)));
        }
        p.put("sign", sign(contentOf(p)));
        p.put("sign_type", "RSA2");
        var body = new StringBuilder();
        p.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return new NotificationDelivery.Signed(Map.of(), body.toString(), "application/x-www-form-urlencoded; charset=utf-8");
    }

    // ---------------------------------------------------------------- signatures

    /** Request signatures include sign_type (the SDK's V2 content): all parameters but sign, sorted, non-empty. */
    private boolean signedByApp(Map<String, String> params) {
        String sign = params.get("sign");
        if (sign == null || sign.isEmpty()) {
            return false;
        }
        var content = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.equals("sign") && !k.isEmpty() && v != null && !v.isEmpty()) {
                content.append(content.length() == 0 ? "" : "&").append(k).append('=').append(v);
            }
        });
        try {
            Signature s = RSA.get();
            s.initVerify(appKey);
            s.update(content.toString().getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(sign));
        } catch (Exception e) {
            return false;
        }
    }

    /** Notification signatures leave out sign and sign_type (the SDK's V1 content). */
    static String contentOf(Map<String, String> params) {
        var content = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.equals("sign") && !k.equals("sign_type") && !k.isEmpty() && v != null && !v.isEmpty()) {
                content.append(content.length() == 0 ? "" : "&").append(k).append('=').append(v);
            }
        });
        return content.toString();
    }

    private String sign(String content) {
        try {
            Signature s = RSA.get();
            s.initSign(alipayKey);
            s.update(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> ok(Map<String, ?> fields) {
        var m = new LinkedHashMap<String, Object>();
        m.put("code", "10000");
        m.put("msg", "Success");
        m.putAll(fields);
        return m;
    }

    private static Map<String, Object> error(String code, String msg, String subCode, String subMsg) {
        var m = new LinkedHashMap<String, Object>();
        m.put("code", code);
        m.put("msg", msg);
        m.put("sub_code", subCode);
        m.put("sub_msg", subMsg);
        return m;
    }

    /** Signs the exact text of the response node and splices it into the envelope. */
    private void answer(HttpServletResponse x, String method, Map<String, Object> node) throws IOException {
        String content = json.writeValueAsString(node);
        String body = "{\"" + method.replace('.', '_') + "_response\":" + content + ",\"sign\":\"" + sign(content) + "\"}";
        ChannelSandbox.write(x, 200, body);
    }

    private static Map<String, String> formOf(String body) {
        var m = new LinkedHashMap<String, String>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            m.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }
}
