package io.vendpay.payment.internal.alipay;

import java.nio.charset.Charset;
import java.security.PublicKey;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.internal.ChannelNotification;
import io.vendpay.shared.Alerts;
import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.Money;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies an Alipay asynchronous notification (RSA2 over the sorted non-empty parameters without
 * {@code sign}/{@code sign_type}, what the SDK's {@code rsaCheckV1} checks, with Alipay's key parsed once
 * instead of on every notification) and maps it onto vendpay's
 * notification model:
 * <ul>
 *   <li>{@code TRADE_SUCCESS} and {@code TRADE_FINISHED} are the payment, both under the dedup key
 *       (trade_no, TRANSACTION.SUCCESS): {@code TRADE_FINISHED} months later is the same payment again,
 *       never a second one;</li>
 *   <li>a notice carrying refund fields ({@code refund_fee}, {@code out_biz_no}, {@code gmt_refund}) is a
 *       refund event, whatever its {@code trade_status} (Alipay sends partial refunds as TRADE_SUCCESS);</li>
 *   <li>anything else that verifies ({@code WAIT_BUYER_PAY}, {@code TRADE_CLOSED}) is stored and ignored, under a
 *       key of its own ({@code TRADE.WAIT_BUYER_PAY}): it can never shadow the payment.</li>
 * </ul>
 * Amounts are plain yuan above zero ({@link Money#positiveFenOf}); a notice that verifies but carries another
 * amount, or ids longer than any Alipay issues, is refused with an alert: it was signed with the platform's keys.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.channels.alipay", name = "enabled", havingValue = "true")
class AlipayNotificationVerifier {

    private static final DateTimeFormatter ALIPAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final AlipayProperties props;
    private final PublicKey alipayPublicKey;
    private final JsonMapper json;

    private final Alerts alerts;

    AlipayNotificationVerifier(AlipayProperties props, JsonMapper json, Alerts alerts) {
        this.props = props;
        this.json = json;
        this.alerts = alerts;
        this.alipayPublicKey = props.parsedAlipayPublicKey();
    }

    static final class Refusal extends RuntimeException {
        final String reason;

        Refusal(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    ChannelNotification verify(Map<String, String> params, long now) {
        if (params.get("sign") == null || params.get("sign").isBlank()) {
            throw new Refusal("SIGNATURE_MISSING", "unsigned notification");
        }
        boolean valid;
        try {
            // signed over the bytes of the notification's own charset (GBK when the merchant's request named none)
            valid = AlipayOpenApi.verifies(alipayPublicKey, signedContent(params).getBytes(Charset.forName(signedCharset(params))),
                    params.get("sign"));
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new Refusal("SIGNATURE_INVALID", "signature verification failed");
        }
        if (!props.appId().equals(params.get("app_id"))) {
            throw new Refusal("APP_ID_MISMATCH", "app_id " + params.get("app_id") + " is not this platform's");
        }
        if (props.sellerId() != null && !props.sellerId().isBlank() && params.get("seller_id") != null
                && !props.sellerId().equals(params.get("seller_id"))) {
            throw new Refusal("SELLER_MISMATCH", "seller_id " + params.get("seller_id") + " is not this platform's");
        }
        String tradeNo = params.get("trade_no");
        String outTradeNo = params.get("out_trade_no");
        if (tradeNo == null || outTradeNo == null || tradeNo.isBlank() || outTradeNo.isBlank()) {
            throw new Refusal("FIELDS_MISSING", "trade_no and out_trade_no are required");
        }
        String status = params.getOrDefault("trade_status", "");
        String payload = json.writeValueAsString(new TreeMap<>(params));
        String outBizNo = blankToNull(params.get("out_biz_no"));
        boolean refundNotice = outBizNo != null || blankToNull(params.get("refund_fee")) != null
                || blankToNull(params.get("gmt_refund")) != null;
        ChannelNotification n;
        try {
            if (refundNotice) {
                String refundKey = outBizNo != null ? outBizNo : tradeNo + ":" + params.get("gmt_refund");
                Long refunded = blankToNull(params.get("refund_fee")) == null ? null : Money.positiveFenOf(params.get("refund_fee"));
                n = new ChannelNotification(PaymentChannel.ALIPAY, refundKey, ChannelNotification.REFUND_SUCCESS, outTradeNo,
                        outBizNo, params.get("notify_id"), refunded, status, payload, time(params.get("gmt_refund"), now),
                        ChannelNotification.NOTIFY);
            } else if (status.equals("TRADE_SUCCESS") || status.equals("TRADE_FINISHED")) {
                n = new ChannelNotification(PaymentChannel.ALIPAY, tradeNo, ChannelNotification.PAYMENT_SUCCESS, outTradeNo,
                        null, params.get("notify_id"), Money.positiveFenOf(params.get("total_amount")), "SUCCESS", payload,
                        time(params.get("gmt_payment"), now), ChannelNotification.NOTIFY);
            } else {
                n = new ChannelNotification(PaymentChannel.ALIPAY, tradeNo, "TRADE." + (status.isEmpty() ? "UNKNOWN" : status),
                        outTradeNo, null, params.get("notify_id"), null, status, payload, now, ChannelNotification.NOTIFY);
            }
        } catch (NumberFormatException e) {
            throw impossible("AMOUNT_INVALID", "order " + outTradeNo + ": " + e.getMessage());
        }
        String oversized = n.oversizedField();
        if (oversized != null) {
            throw impossible("FIELD_TOO_LONG", "the " + oversized + " of this notification is longer than any Alipay issues");
        }
        return n;
    }

    /** A verified notice that cannot be true: refused ("fail", so Alipay re-sends), with an alert saying why. */
    private Refusal impossible(String reason, String message) {
        alerts.raise("NOTIFICATION_INVALID", "channel=ALIPAY reason=" + reason + " " + message);
        return new Refusal(reason, message);
    }

    /** The sorted {@code k=v&...} of every parameter with a name and a value, but sign and sign_type. */
    static String signedContent(Map<String, String> params) {
        var content = new StringBuilder(1024);
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.isEmpty() && v != null && !v.isEmpty() && !k.equals("sign") && !k.equals("sign_type")) {
                content.append(content.length() == 0 ? "" : "&").append(k).append('=').append(v);
            }
        });
        return content.toString();
    }

    private static String signedCharset(Map<String, String> params) {
        String charset = params.get("charset");
        return charset == null || charset.isBlank() ? "UTF-8" : charset;
    }

    private static long time(String alipayTime, long fallback) {
        if (alipayTime == null || alipayTime.isBlank()) {
            return fallback;
        }
        try {
            return LocalDateTime.parse(alipayTime, ALIPAY_TIME).atZone(ChinaTime.ZONE).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
