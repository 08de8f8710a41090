package io.vendpay.payment.internal;

import io.vendpay.payment.PaymentChannel;

/**
 * A verified, decrypted channel notification, in the shape vendpay stores it.
 *
 * @param transactionId the channel's id of what the event is about: the payment's transaction id,
 *                      or the refund's id for refund events; with {@code eventType} it is the dedup key
 * @param eventType     {@code TRANSACTION.SUCCESS}, {@code REFUND.SUCCESS}, ... (Alipay's mapped to the same names)
 * @param source        how vendpay learnt it: {@code NOTIFY} (the channel pushed it), {@code QUERY} (vendpay asked)
 *                      or {@code BILL} (the daily bill showed it);
 *                      either way it is stored and processed the same, under the same dedup key
 */
public record ChannelNotification(
        PaymentChannel channel,
        String transactionId,
        String eventType,
        String outTradeNo,
        String outRefundNo,
        String notifyId,
        Long amountFen,
        String tradeState,
        String payload,
        long occurredAt,
        String source) {

    public static final String NOTIFY = "NOTIFY";
    public static final String QUERY = "QUERY";
    public static final String BILL = "BILL";

    public static final String PAYMENT_SUCCESS = "TRANSACTION.SUCCESS";
    public static final String REFUND_SUCCESS = "REFUND.SUCCESS";
    public static final String REFUND_CLOSED = "REFUND.CLOSED";
    public static final String REFUND_ABNORMAL = "REFUND.ABNORMAL";

    public boolean isRefundEvent() {
        return eventType.startsWith("REFUND.");
    }

    /**
     * The first field longer than its column in {@code payment_notification}, or {@code null}. A signed notice
     * can still carry ids no channel issues; storing it would fail on every re-delivery (a 5xx, so the
     * channel retries for a day). It is refused instead, with an alert.
     */
    public String oversizedField() {
        if (transactionId.length() > 64) {
            return "transaction id";
        }
        if (eventType.length() > 40) {
            return "event type";
        }
        if (outTradeNo.length() > 64) {
            return "out_trade_no";
        }
        if (outRefundNo != null && outRefundNo.length() > 64) {
            return "out_refund_no";
        }
        if (notifyId != null && notifyId.length() > 128) {
            return "notification id";
        }
        if (tradeState != null && tradeState.length() > 32) {
            return "state";
        }
        return null;
    }
}
