package io.vendpay.payment;

/**
 * A refund as an operator sees it. {@code status}: PENDING (to be requested), REQUESTED (accepted by
 * the channel, outcome pending), SUCCEEDED, CLOSED (the channel gave up), ABNORMAL (the channel needs
 * a person; not final), FAILED (the channel refused the request).
 */
public record RefundView(String outRefundNo, String orderNo, String channel, String status, long refundFen, String reason,
                         int attempts, String lastError, String channelRefundId, long createdAt, Long settledAt) {
}
