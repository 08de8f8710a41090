package io.vendpay.payment;

/** The channel reports a refund as final: {@code succeeded} (money returned) or not (closed by the channel). */
public record RefundSettled(String orderNo, String outRefundNo, boolean succeeded, String channelStatus) {
}
