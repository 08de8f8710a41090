package io.vendpay.payment.internal;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.QrCode;

/** One payment channel's outbound API, as vendpay uses it. */
public interface ChannelGateway {

    PaymentChannel channel();

    QrCode createQrCode(String orderNo, long amountFen, String description, long expiresAt);

    /**
     * Closes an unpaid channel order so it can no longer be paid. Closing an order the channel
     * does not know, or already closed, succeeds. Throws {@link io.vendpay.payment.ChannelException}
     * with code {@code ORDERPAID} when the customer paid after all.
     */
    void close(String orderNo);

    /** What the channel knows of a payment; {@link PaymentStatus#unknown()} when it has no such order. */
    PaymentStatus query(String orderNo);

    /** Where a refund stands at the channel. */
    RefundAnswer queryRefund(String outRefundNo, String orderNo);

    /** Requests a refund; idempotent at the channel by {@code outRefundNo}. */
    RefundAnswer refund(String outRefundNo, String orderNo, String channelTxnId, long totalFen, long refundFen, String reason);

    /**
     * A payment as the channel reports it.
     *
     * @param paid          the customer paid (also when it was refunded since)
     * @param closed        the channel order is closed and can no longer be paid
     * @param transactionId the channel's id of the payment when paid
     */
    record PaymentStatus(boolean paid, boolean closed, String transactionId, Long amountFen, Long paidAt, String channelState,
                         String payload) {
        public static PaymentStatus unknown() {
            return new PaymentStatus(false, false, null, null, null, "UNKNOWN", null);
        }
    }

    /** What the channel answered to a refund request or query. */
    record RefundAnswer(String channelRefundId, State state, String channelStatus) {
        public enum State { PROCESSING, SUCCEEDED, CLOSED, ABNORMAL }
    }
}
