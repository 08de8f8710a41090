package io.vendpay.sandbox.internal;

import static io.vendpay.sandbox.internal.ChannelSandbox.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.vendpay.shared.ChinaTime;
import io.vendpay.sandbox.PaymentSandbox;
import io.vendpay.sandbox.SandboxCredentials;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * WeChat Pay v3 as the sandbox plays it: the merchant API paths vendpay uses, each request's
 * merchant signature verified, each answer signed with the platform key (WeChat Pay public key
 * or platform certificate), notifications encrypted and signed.
 */
final class WechatSandboxApi {

    static final String CHANNEL = "WECHAT";
    private static final Logger log = LoggerFactory.getLogger(WechatSandboxApi.class);
    private static final String CODE_URL_PREFIX = "weixin://wxpay/bizpayurl?pr=";
    private static final String TRADES = "/v3/pay/transactions/out-trade-no/";
    private static final String REFUNDS = "/v3/refund/domestic/refunds";

    private final WechatCrypto crypto;
    private final SandboxLedger ledger;
    private final NotificationDelivery delivery;
    private final SandboxFaults faults;
    private final JsonMapper json;
    private final SandboxProperties props;

    WechatSandboxApi(WechatCrypto crypto, SandboxLedger ledger, NotificationDelivery delivery, SandboxFaults faults,
                     JsonMapper json, SandboxProperties props) {
        this.crypto = crypto;
        this.ledger = ledger;
        this.delivery = delivery;
        this.faults = faults;
        this.json = json;
        this.props = props;
        crypto.signing(props.wechatSigning(), delivery.scaled(props.wechatMigrationStep().toMillis()));
    }

    String mchid() {
        return crypto.merchant().mchid();
    }

    void handle(HttpServletRequest req, HttpServletResponse x) throws IOException {
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
                prepay(x, json.readTree(body));
            } else if (method.equals("GET") && path.startsWith(TRADES)) {
                query(x, path.substring(TRADES.length()));
            } else if (method.equals("POST") && path.startsWith(TRADES) && path.endsWith("/close")) {
                close(x, path.substring(TRADES.length(), path.length() - "/close".length()));
            } else if (method.equals("POST") && path.equals(REFUNDS)) {
                refund(x, json.readTree(body));
            } else if (method.equals("GET") && path.startsWith(REFUNDS + "/")) {
                refundQuery(x, path.substring(REFUNDS.length() + 1));
            } else if (method.equals("GET") && path.equals("/v3/certificates")) {
                certificates(x);
            } else {
                error(x, 404, "NOT_FOUND", "the sandbox does not serve " + method + " " + path);
            }
        } catch (RuntimeException e) {
            log.warn("event=sandbox.error channel=WECHAT error=\"{}\"", e.toString());
            error(x, 500, "SYSTEM_ERROR", "sandbox failure: " + e.getMessage());
        }
    }

    private void prepay(HttpServletResponse x, JsonNode r) throws IOException {
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
        long now = System.currentTimeMillis();
        long expiresAt = r.hasNonNull("time_expire")
                ? OffsetDateTime.parse(r.path("time_expire").asString()).toInstant().toEpochMilli() : now + 2 * 3600_000;
        var fresh = new SandboxLedger.Trade(CHANNEL, outTradeNo, CODE_URL_PREFIX + crypto.randomString(16), total,
                r.path("description").asString(""), r.path("notify_url").asString(null), expiresAt, now, "NOTPAY",
                null, null, null, null, 0);
        if (!ledger.insertTrade(fresh)) {
            var t = ledger.trade(CHANNEL, outTradeNo).orElseThrow();
            if (t.totalFen() != total) {
                error(x, 400, "INVALID_REQUEST", "out_trade_no already used with other parameters");
                return;
            }
            if (!"NOTPAY".equals(t.state())) {
                error(x, 400, "SUCCESS".equals(t.state()) ? "ORDERPAID" : "ORDERCLOSED", "order is " + t.state());
                return;
            }
            signed(x, 200, Map.of("code_url", t.code()));
            return;
        }
        signed(x, 200, Map.of("code_url", fresh.code()));
    }

    private void query(HttpServletResponse x, String outTradeNo) throws IOException {
        var t = ledger.trade(CHANNEL, outTradeNo).orElse(null);
        if (t == null) {
            error(x, 404, "ORDER_NOT_EXIST", "no such order");
            return;
        }
        signed(x, 200, transaction(t));
    }

    private void close(HttpServletResponse x, String outTradeNo) throws IOException {
        if (SandboxFaults.take(faults.failCloseRequests)) {
            error(x, 500, "SYSTEM_ERROR", "injected failure");
            return;
        }
        String state = ledger.close(CHANNEL, outTradeNo, System.currentTimeMillis());
        if ("SUCCESS".equals(state)) {
            error(x, 400, "ORDERPAID", "order " + outTradeNo + " is paid");
            return;
        }
        x.setStatus(204);
        crypto.signedHeaders("").forEach(x::setHeader);
    }

    private void refund(HttpServletResponse x, JsonNode r) throws IOException {
        String outRefundNo = r.path("out_refund_no").asString("");
        var existing = ledger.refundOf(CHANNEL, outRefundNo);
        if (existing.isEmpty() && SandboxFaults.take(faults.failRefundRequests)) {
            error(x, 500, "SYSTEM_ERROR", "injected failure");
            return;
        }
        String txn = r.path("transaction_id").asString(null);
        String outTradeNo = r.path("out_trade_no").asString(null);
        var t = (outTradeNo != null ? ledger.trade(CHANNEL, outTradeNo) : ledger.tradeByTransaction(CHANNEL, txn)).orElse(null);
        if (existing.isEmpty() && (t == null || t.transactionId() == null)) {
            error(x, 404, "RESOURCE_NOT_EXISTS", "no paid order for this refund");
            return;
        }
        long refund = r.path("amount").path("refund").asLong(0);
        long total = r.path("amount").path("total").asLong(0);
        if (existing.isEmpty() && (refund <= 0 || refund > t.paidFen() - t.refundedFen() || total != t.paidFen())) {
            error(x, 400, "PARAM_ERROR", "amount.refund must be positive and at most what is left; amount.total must equal the payment");
            return;
        }
        long now = System.currentTimeMillis();
        var stored = existing.isPresent() ? ledger.refund(existing.get()) : ledger.refund(new SandboxLedger.Refund(CHANNEL,
                outRefundNo, "5030" + crypto.randomDigits(25), t.outTradeNo(), t.transactionId(), refund, t.paidFen(),
                r.path("notify_url").asString(null), SandboxFaults.take(faults.abnormalRefunds) ? "ABNORMAL" : "SUCCESS",
                now, now + delivery.scaled(props.refundDelay().toMillis()), 1));
        if (existing.isEmpty() && stored.notifyUrl() != null && !SandboxFaults.take(faults.dropRefundNotifications)) {
            delivery.deliver(new NotificationDelivery.Outgoing(stored.notifyUrl(), () -> refundNotification(stored)),
                    stored.settlesAt() - now);
        }
        signed(x, 200, refundView(stored, stored.statusAt(now)));
    }

    private void refundQuery(HttpServletResponse x, String outRefundNo) throws IOException {
        var r = ledger.refundOf(CHANNEL, outRefundNo).orElse(null);
        if (r == null) {
            error(x, 404, "RESOURCE_NOT_EXISTS", "no such refund");
            return;
        }
        signed(x, 200, refundView(r, r.statusAt(System.currentTimeMillis())));
    }

    private void certificates(HttpServletResponse x) throws IOException {
        var data = new ArrayList<Map<String, Object>>();
        for (var c : crypto.merchant().certificates()) {
            String pem = new String(java.nio.file.Files.readAllBytes(c.pem()), StandardCharsets.UTF_8);
            var encrypted = crypto.encrypt(pem, "certificate", "certificate");
            encrypted.remove("original_type");
            data.add(Map.of("serial_no", c.serialNo(),
                    "effective_time", ChinaTime.rfc3339(c.certificate().getNotBefore().getTime()),
                    "expire_time", ChinaTime.rfc3339(c.certificate().getNotAfter().getTime()),
                    "encrypt_certificate", encrypted));
        }
        signed(x, 200, Map.of("data", data));
    }

    // ---------------------------------------------------------------- customer and control side

    String pay(SandboxLedger.Trade t, Long amountFen, boolean notify, int copies) {
        long now = System.currentTimeMillis();
        String txn = "4200" + crypto.randomDigits(24);
        ledger.pay(t, txn, amountFen, now);
        if (notify && t.notifyUrl() != null) {
            long delay = SandboxFaults.take(faults.delayedPaymentNotifications) ? faults.paymentNotificationDelay.get() : 0;
            String outTradeNo = t.outTradeNo();
            for (int i = 0; i < copies; i++) {
                delivery.deliver(new NotificationDelivery.Outgoing(t.notifyUrl(),
                        () -> paymentNotificationOf(ledger.trade(CHANNEL, outTradeNo).orElseThrow())), delay);
            }
        }
        return txn;
    }

    Optional<PaymentSandbox.SignedRequest> paymentNotification(String outTradeNo) {
        return ledger.trade(CHANNEL, outTradeNo).filter(t -> t.transactionId() != null).map(t -> {
            var s = paymentNotificationOf(t);
            return new PaymentSandbox.SignedRequest(java.net.URI.create(t.notifyUrl()).getPath(), s.headers(),
                    s.body().getBytes(StandardCharsets.UTF_8));
        });
    }

    String rotateCertificate() {
        SandboxCredentials.PlatformCertificate fresh = crypto.merchant().issueCertificate();
        crypto.useCertificate(fresh);
        return fresh.serialNo();
    }

    void signing(PaymentSandbox.WechatSigning signing) {
        crypto.signing(signing, delivery.scaled(props.wechatMigrationStep().toMillis()));
    }

    // ---------------------------------------------------------------- documents

    private Map<String, Object> transaction(SandboxLedger.Trade t) {
        var tx = new LinkedHashMap<String, Object>();
        tx.put("mchid", crypto.merchant().mchid());
        tx.put("appid", crypto.merchant().appid());
        tx.put("out_trade_no", t.outTradeNo());
        String state = t.state();
        if (t.transactionId() != null) {
            tx.put("transaction_id", t.transactionId());
            tx.put("trade_type", "NATIVE");
            if (t.refundedFen() > 0) {
                state = "REFUND";
            }
            tx.put("success_time", ChinaTime.rfc3339(t.paidAt()));
            tx.put("bank_type", "OTHERS");
            tx.put("payer", Map.of("openid", "oSandbox" + Integer.toHexString(t.outTradeNo().hashCode())));
            tx.put("amount", Map.of("total", t.paidFen(), "payer_total", t.paidFen(), "currency", "CNY", "payer_currency", "CNY"));
        } else {
            tx.put("amount", Map.of("total", t.totalFen(), "currency", "CNY"));
        }
        tx.put("trade_state", state);
        tx.put("trade_state_desc", switch (state) {
            case "SUCCESS" -> "支付成功";
            case "REFUND" -> "转入退款";
            case "CLOSED" -> "已关闭";
            default -> "订单未支付";
        });
        tx.put("attach", "");
        return tx;
    }

    private NotificationDelivery.Signed paymentNotificationOf(SandboxLedger.Trade t) {
        var tx = transaction(t);
        tx.put("trade_state", "SUCCESS");
        tx.put("trade_state_desc", "支付成功");
        return envelope("TRANSACTION.SUCCESS", "transaction", "支付成功", tx);
    }

    private Map<String, Object> refundView(SandboxLedger.Refund r, String status) {
        var m = new LinkedHashMap<String, Object>();
        m.put("refund_id", r.refundId());
        m.put("out_refund_no", r.outRefundNo());
        m.put("transaction_id", r.transactionId());
        m.put("out_trade_no", r.outTradeNo());
        m.put("channel", "ORIGINAL");
        m.put("user_received_account", "支付用户零钱");
        m.put("create_time", ChinaTime.rfc3339(r.createdAt()));
        if ("SUCCESS".equals(status)) {
            m.put("success_time", ChinaTime.rfc3339(r.settlesAt()));
        }
        m.put("status", status);
        m.put("funds_account", "AVAILABLE");
        m.put("amount", Map.of("total", r.totalFen(), "refund", r.refundFen(), "payer_total", r.totalFen(),
                "payer_refund", r.refundFen(), "settlement_refund", r.refundFen(), "settlement_total", r.totalFen(),
                "discount_refund", 0, "currency", "CNY"));
        return m;
    }

    private NotificationDelivery.Signed refundNotification(SandboxLedger.Refund r) {
        var m = new LinkedHashMap<String, Object>();
        m.put("mchid", crypto.merchant().mchid());
        m.put("out_trade_no", r.outTradeNo());
        m.put("transaction_id", r.transactionId());
        m.put("out_refund_no", r.outRefundNo());
        m.put("refund_id", r.refundId());
        m.put("refund_status", r.outcome());
        if ("SUCCESS".equals(r.outcome())) {
            m.put("success_time", ChinaTime.rfc3339(r.settlesAt()));
        }
        m.put("user_received_account", "支付用户零钱");
        m.put("amount", Map.of("total", r.totalFen(), "refund", r.refundFen(), "payer_total", r.totalFen(),
                "payer_refund", r.refundFen()));
        String summary = switch (r.outcome()) {
            case "SUCCESS" -> "退款成功";
            case "ABNORMAL" -> "退款异常";
            default -> "退款关闭";
        };
        return envelope("REFUND." + r.outcome(), "refund", summary, m);
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

    private void signed(HttpServletResponse x, int status, Map<String, ?> answer) throws IOException {
        String body = json.writeValueAsString(answer);
        crypto.signedHeaders(body).forEach(x::setHeader);
        write(x, status, body);
    }

    private void error(HttpServletResponse x, int status, String code, String message) throws IOException {
        signed(x, status, Map.of("code", code, "message", message));
    }
}
