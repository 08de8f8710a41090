package io.vendpay.payment;

/**
 * A refund to make for an order. There is at most one per order; its {@code out_refund_no} is
 * derived from the order number, so asking twice (or retrying) can never refund twice.
 */
public record RefundRequest(String orderNo, PaymentChannel channel, String channelTxnId, long totalFen,
                            long refundFen, String reason) {

    public String outRefundNo() {
        return outRefundNoOf(orderNo);
    }

    public static String outRefundNoOf(String orderNo) {
        return "R" + orderNo;
    }
}
