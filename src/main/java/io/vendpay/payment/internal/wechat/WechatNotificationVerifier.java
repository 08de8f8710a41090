package io.vendpay.payment.internal.wechat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.wechat.pay.java.core.exception.ValidationException;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.core.util.GsonUtil;
import com.wechat.pay.java.service.payments.model.Transaction;
import com.wechat.pay.java.service.refund.model.RefundNotification;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.internal.ChannelNotification;
import io.vendpay.shared.Alerts;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Verifies a WeChat Pay v3 notification and turns it into a {@link ChannelNotification}.
 * The SDK's {@code NotificationParser} checks the signature and decrypts; what it does not do is
 * added here, before it runs: the {@code WECHATPAY/SIGNTEST/} probe, the 300 s timestamp window,
 * the serial check; and after it: the {@code mchid}/{@code appid} check. Every refusal is a
 * {@link Refusal} carrying the HTTP status to answer (never 2xx, so WeChat retries).
 * <p>
 * A notice that verifies but cannot be true (an amount not above zero, ids longer than any WeChat issues) is
 * refused with an alert: it was signed with the merchant's keys, so someone must look at where it came from.
 * What a payment notice means is its decrypted {@code trade_state}, not its outer {@code event_type}: a
 * {@code TRANSACTION.SUCCESS} whose state is {@code NOTPAY} is stored as {@code TRANSACTION.NOTPAY}, so it can
 * never take the dedup key of the real payment.
 */
@Component
@ConditionalOnProperty(prefix = "vendpay.channels.wechat", name = "enabled", havingValue = "true")
class WechatNotificationVerifier {

    static final long TIMESTAMP_WINDOW_S = 300;
    private static final String SIGN_TYPE = "WECHATPAY2-SHA256-RSA2048";

    private final WechatMerchant merchant;
    private final WechatProperties props;
    private final Gson gson = GsonUtil.getGson();
    private final Alerts alerts;

    WechatNotificationVerifier(WechatMerchant merchant, WechatProperties props, Alerts alerts) {
        this.merchant = merchant;
        this.props = props;
        this.alerts = alerts;
    }

    static final class Refusal extends RuntimeException {
        final int status;
        final String reason;

        Refusal(int status, String reason, String message) {
            super(message, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }

    ChannelNotification verify(HttpHeaders headers, byte[] rawBody, boolean refund, long nowMillis) {
        String serial = headers.getFirst("Wechatpay-Serial");
        String signature = headers.getFirst("Wechatpay-Signature");
        String timestamp = headers.getFirst("Wechatpay-Timestamp");
        String nonce = headers.getFirst("Wechatpay-Nonce");
        String signType = headers.getFirst("Wechatpay-Signature-Type");
        if (serial == null || signature == null || timestamp == null || nonce == null) {
            throw new Refusal(400, "HEADERS_MISSING",
                    "Wechatpay-Serial, Wechatpay-Signature, Wechatpay-Timestamp and Wechatpay-Nonce are required");
        }
        if (signature.startsWith("WECHATPAY/SIGNTEST/")) {
            throw new Refusal(401, "SIGNATURE_PROBE", "signature probe refused");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Refusal(400, "TIMESTAMP_INVALID", "Wechatpay-Timestamp is not epoch seconds");
        }
        if (Math.abs(nowMillis / 1000 - ts) > TIMESTAMP_WINDOW_S) {
            throw new Refusal(401, "TIMESTAMP_OUT_OF_WINDOW",
                    "Wechatpay-Timestamp is more than 300 s from server time; check NTP");
        }
        if (signType != null && !SIGN_TYPE.equals(signType)) {
            throw new Refusal(401, "SIGN_TYPE_UNSUPPORTED", "unsupported Wechatpay-Signature-Type " + signType);
        }
        if (!merchant.keys().knowsOrRefresh(serial)) {
            throw new Refusal(401, "SERIAL_UNKNOWN", "Wechatpay-Serial names no key configured for this merchant");
        }
        String body = new String(rawBody, StandardCharsets.UTF_8);
        var param = new RequestParam.Builder()
                .serialNumber(serial).nonce(nonce).signature(signature).timestamp(timestamp.trim())
                .signType(SIGN_TYPE).body(body).build();
        try {
            if (refund) {
                // the SDK's refund model has no mchid: decrypt once to JSON, check it, then map
                JsonObject plain = merchant.parser().parse(param, JsonObject.class);
                if (plain == null) {
                    throw new Refusal(400, "RESOURCE_INVALID", "decrypted resource is empty");
                }
                requireMchid(plain.has("mchid") ? plain.get("mchid").getAsString() : null);
                return checked(refundNotification(gson.fromJson(plain, RefundNotification.class), outer(body), nowMillis));
            }
            Transaction t = merchant.parser().parse(param, Transaction.class);
            JsonObject outer = outer(body);
            if (t == null || t.getMchid() == null) {
                throw new Refusal(400, "RESOURCE_INVALID", "decrypted resource is not a transaction");
            }
            requireMchid(t.getMchid());
            if (!props.appid().equals(t.getAppid())) {
                throw new Refusal(400, "APPID_MISMATCH", "appid " + t.getAppid() + " is not this merchant's");
            }
            return checked(paymentNotification(t, outer, nowMillis));
        } catch (ValidationException e) {
            throw new Refusal(401, "SIGNATURE_INVALID", "signature verification failed");
        } catch (Refusal e) {
            throw e;
        } catch (RuntimeException e) {
            // MalformedMessageException, DecryptionException (wrong key or tampered ciphertext),
            // bad Base64, missing resource fields, unparsable JSON
            throw new Refusal(400, "RESOURCE_UNDECRYPTABLE", "notification body could not be decrypted or parsed");
        }
    }

    private void requireMchid(String mchid) {
        if (!props.mchid().equals(mchid)) {
            throw new Refusal(400, "MCHID_MISMATCH", "mchid " + mchid + " is not this merchant's");
        }
    }

    private static JsonObject outer(String body) {
        return JsonParser.parseString(body).getAsJsonObject();
    }

    private ChannelNotification paymentNotification(Transaction t, JsonObject outer, long now) {
        if (blank(t.getTransactionId()) || blank(t.getOutTradeNo())) {
            throw new Refusal(400, "RESOURCE_INVALID", "transaction_id and out_trade_no are required");
        }
        String state = t.getTradeState() == null ? null : t.getTradeState().name();
        String eventType = "SUCCESS".equals(state) ? ChannelNotification.PAYMENT_SUCCESS
                : "TRANSACTION." + (state == null ? "UNKNOWN" : state);
        Integer total = t.getAmount() == null ? null : t.getAmount().getTotal();
        if (total != null && total <= 0 || total == null && "SUCCESS".equals(state)) {
            throw impossible("AMOUNT_INVALID", "amount.total " + total + " of transaction " + t.getTransactionId()
                    + " for order " + t.getOutTradeNo() + " is not a positive number of fen");
        }
        return new ChannelNotification(PaymentChannel.WECHAT, t.getTransactionId(), eventType, t.getOutTradeNo(), null,
                str(outer, "id", null), total == null ? null : total.longValue(), state,
                gson.toJson(t), time(t.getSuccessTime(), now), ChannelNotification.NOTIFY);
    }

    private ChannelNotification refundNotification(RefundNotification r, JsonObject outer, long now) {
        String outerType = str(outer, "event_type", null);
        if (outerType == null || !outerType.startsWith("REFUND.") || blank(r.getRefundId()) || blank(r.getOutRefundNo())
                || blank(r.getOutTradeNo())) {
            throw new Refusal(400, "RESOURCE_INVALID",
                    "refund notifications need event_type REFUND.*, refund_id, out_refund_no and out_trade_no");
        }
        String status = r.getRefundStatus() == null ? null : r.getRefundStatus().name();
        String eventType = status == null ? outerType : "REFUND." + status;
        Long refunded = r.getAmount() == null ? null : r.getAmount().getRefund();
        if (refunded != null && refunded <= 0 || refunded == null && "SUCCESS".equals(status)) {
            throw impossible("AMOUNT_INVALID", "amount.refund " + refunded + " of refund " + r.getOutRefundNo()
                    + " is not a positive number of fen");
        }
        return new ChannelNotification(PaymentChannel.WECHAT, r.getRefundId(), eventType, r.getOutTradeNo(),
                r.getOutRefundNo(), str(outer, "id", null), refunded, status, gson.toJson(r),
                time(r.getSuccessTime(), now), ChannelNotification.NOTIFY);
    }

    private ChannelNotification checked(ChannelNotification n) {
        String oversized = n.oversizedField();
        if (oversized != null) {
            throw impossible("FIELD_TOO_LONG", "the " + oversized + " of this notification is longer than any WeChat issues");
        }
        return n;
    }

    /** A verified notice that cannot be true: refused (WeChat re-sends, and the alert says why each time). */
    private Refusal impossible(String reason, String message) {
        alerts.raise("NOTIFICATION_INVALID", "channel=WECHAT reason=" + reason + " " + message);
        return new Refusal(400, reason, message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String str(JsonObject o, String key, String fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : fallback;
    }

    private static long time(String rfc3339, long fallback) {
        if (rfc3339 == null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
