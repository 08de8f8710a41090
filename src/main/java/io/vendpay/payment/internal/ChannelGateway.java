package io.vendpay.payment.internal;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.QrCode;

/** One payment channel's outbound API, as vendpay uses it. */
public interface ChannelGateway {

    PaymentChannel channel();

    QrCode createQrCode(String orderNo, long amountFen, String description, long expiresAt);

    /** Requests a refund; idempotent at the channel by {@code outRefundNo}. */
    RefundAnswer refund(String outRefundNo, String orderNo, String channelTxnId, long totalFen, long refundFen, String reason);

    /** What the channel answered to a refund request or query. */
    record RefundAnswer(String channelRefundId, State state, String channelStatus) {
        public enum State { PROCESSING, SUCCEEDED, CLOSED, ABNORMAL }
    }
}
