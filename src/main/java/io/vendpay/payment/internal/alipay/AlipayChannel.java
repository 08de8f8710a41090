package io.vendpay.payment.internal.alipay;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;

import io.vendpay.payment.ChannelException;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.QrCode;
import io.vendpay.payment.internal.ChannelGateway;
import io.vendpay.payment.internal.NotifyUrls;
import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.Failures;
import io.vendpay.shared.Money;
import jakarta.annotation.PreDestroy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alipay 当面付 (precreate QR), query, close, refund and refund query through {@link AlipayOpenApi}: requests
 * signed RSA2 with the app's key, every answer verified with Alipay's public key before it is read.
 * <p>
 * A call now costs one RSA-2048 sign and one verify (about 1 ms of CPU together) and a request on a kept-alive
 * connection: the keys are parsed once, parameters and answers are written and read by our code instead of the
 * SDK's reflection, and its per-call connection and log formatting are gone (issue 10).
 * <p>
 * An answer counts as success only with code {@code 10000} and no {@code sub_code}; an answer that cannot be
 * verified or read is a retryable {@code BAD_RESPONSE}, never a result.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.channels.alipay", name = "enabled", havingValue = "true")
class AlipayChannel implements ChannelGateway {

    private static final DateTimeFormatter ALIPAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ChinaTime.ZONE);

    private final AlipayProperties props;
    private final NotifyUrls notifyUrls;
    private final JsonMapper json;
    private final AlipayOpenApi api;

    AlipayChannel(AlipayProperties props, NotifyUrls notifyUrls, JsonMapper json) {
        props.requireComplete();
        this.props = props;
        this.notifyUrls = notifyUrls;
        this.json = json;
        this.api = new AlipayOpenApi(props.gatewayUrl(), props.appId(), props.parsedAppPrivateKey(), props.parsedAlipayPublicKey(),
                props.connectTimeoutMs(), props.readTimeoutMs(), json);
    }

    @PreDestroy
    void stop() {
        api.shutdown();
    }

    @Override
    public PaymentChannel channel() {
        return PaymentChannel.ALIPAY;
    }

    @Override
    public QrCode createQrCode(String orderNo, long amountFen, String description, long expiresAt) {
        String biz = biz("out_trade_no", orderNo, "total_amount", Money.yuan(amountFen),
                "subject", description.length() > 256 ? description.substring(0, 256) : description,
                "time_expire", ALIPAY_TIME.format(Instant.ofEpochMilli(expiresAt)));
        String notifyUrl = notifyUrls.resolve(props.notifyBaseUrl(), AlipayProperties.NOTIFY_PATH);
        var r = call("precreate " + orderNo, "alipay.trade.precreate", biz, notifyUrl);
        require(r, "precreate " + orderNo);
        if (r.qrCode() == null || r.qrCode().isBlank()) {
            throw new ChannelException("Alipay answer to precreate " + orderNo + " has no qr_code", "BAD_RESPONSE", true, null);
        }
        return new QrCode(r.qrCode());
    }

    @Override
    public void close(String orderNo) {
        var r = call("close " + orderNo, "alipay.trade.close", biz("out_trade_no", orderNo), null);
        if ("ACQ.TRADE_NOT_EXIST".equals(r.subCode())) {
            return; // never scanned: Alipay has no trade, nothing can be paid
        }
        if ("ACQ.TRADE_STATUS_ERROR".equals(r.subCode())) {
            throw new ChannelException("Alipay trade " + orderNo + " is paid or finished", "ORDERPAID", false, null);
        }
        require(r, "close " + orderNo);
    }

    @Override
    public PaymentStatus query(String orderNo) {
        var r = call("query " + orderNo, "alipay.trade.query", biz("out_trade_no", orderNo), null);
        if ("ACQ.TRADE_NOT_EXIST".equals(r.subCode())) {
            return PaymentStatus.unknown();
        }
        require(r, "query " + orderNo);
        String status = r.tradeStatus();
        boolean paid = "TRADE_SUCCESS".equals(status) || "TRADE_FINISHED".equals(status);
        Long amount = plainAmount(r.totalAmount());
        return new PaymentStatus(paid, "TRADE_CLOSED".equals(status), r.tradeNo(), amount, paidAt(r, orderNo), status, r.body());
    }

    @Override
    public RefundAnswer queryRefund(String outRefundNo, String orderNo) {
        var r = call("refund query " + outRefundNo, "alipay.trade.fastpay.refund.query",
                biz("out_trade_no", orderNo, "out_request_no", outRefundNo), null);
        require(r, "refund query " + outRefundNo);
        // No refund_status means Alipay has not (yet) refunded: keep asking.
        boolean done = "REFUND_SUCCESS".equals(r.refundStatus());
        return new RefundAnswer(null, done ? RefundAnswer.State.SUCCEEDED : RefundAnswer.State.PROCESSING, r.refundStatus());
    }

    @Override
    public RefundAnswer refund(String outRefundNo, String orderNo, String channelTxnId, long totalFen, long refundFen,
                               String reason) {
        var r = call("refund " + outRefundNo, "alipay.trade.refund", biz("out_trade_no", orderNo, "refund_amount", Money.yuan(refundFen),
                "out_request_no", outRefundNo, "refund_reason", reason), null);
        require(r, "refund " + outRefundNo);
        // Alipay refunds synchronously. fund_change "N" answers a repeated out_request_no: money moved (or not)
        // on an earlier call; the refund query tells which.
        return "Y".equals(r.fundChange())
                ? new RefundAnswer(null, RefundAnswer.State.SUCCEEDED, "FUND_CHANGE_Y")
                : new RefundAnswer(null, RefundAnswer.State.PROCESSING, "FUND_CHANGE_N");
    }

    private AlipayOpenApi.Answer call(String what, String method, String bizContent, String notifyUrl) {
        try {
            return api.call(method, bizContent, notifyUrl);
        } catch (IOException e) {
            throw new ChannelException("Alipay call " + what + " failed (network): " + Failures.rootMessage(e), "NETWORK", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("Alipay call " + what + " interrupted", "NETWORK", true, e);
        } catch (AlipayOpenApi.Untrusted e) {
            throw new ChannelException("Alipay answer to " + what + " is not trusted: " + e.getMessage(), "BAD_RESPONSE", true, e);
        } catch (RuntimeException e) {
            throw new ChannelException("Alipay answer to " + what + " is malformed: " + Failures.rootMessage(e), "BAD_RESPONSE", true, e);
        }
    }

    private static void require(AlipayOpenApi.Answer r, String what) {
        if (r.succeeded()) {
            return;
        }
        String sub = r.subCode() == null || r.subCode().isEmpty() ? r.code() : r.subCode();
        boolean retryable = sub == null || sub.contains("SYSTEM_ERROR") || "20000".equals(r.code())
                || sub.contains("UNKNOWN") || sub.contains("BUSY");
        throw new ChannelException("Alipay refused " + what + ": " + r.code() + " " + sub + " " + r.subMsg(), sub, retryable, null);
    }

    /** biz_content: the given names and values, those without a value left out (as the SDK leaves out unset fields). */
    private String biz(String... namesAndValues) {
        var fields = new LinkedHashMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                fields.put(namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return json.writeValueAsString(fields);
    }

    /** send_pay_date in China time; an answer that states it in another form is not read as a payment time. */
    private static Long paidAt(AlipayOpenApi.Answer r, String orderNo) {
        if (r.sendPayDate() == null || r.sendPayDate().isEmpty()) {
            return null;
        }
        try {
            return LocalDateTime.parse(r.sendPayDate(), ALIPAY_TIME).atZone(ChinaTime.ZONE).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ChannelException("Alipay answer to query " + orderNo + " has send_pay_date " + r.sendPayDate(), "BAD_RESPONSE",
                    true, e);
        }
    }

    /** Alipay's yuan amount, or {@code null} when it is not plain yuan above zero (the gateway then trusts no payment). */
    private static Long plainAmount(String yuan) {
        try {
            return yuan == null ? null : Money.positiveFenOf(yuan);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
