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

    /** Requests a refund; idempotent at the channel by {@code outRefundNo}. */
    RefundAnswer refund(String outRefundNo, String orderNo, String channelTxnId, long totalFen, long refundFen, String reason);

    /** What the channel answered to a refund request or query. */
    record RefundAnswer(String channelRefundId, State state, String channelStatus) {
        public enum State { PROCESSING, SUCCEEDED, CLOSED, ABNORMAL }
    }
}
