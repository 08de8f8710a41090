package io.vendpay.payment;

/**
 * A refund to make for an order. There is at most one per order; its {@code out_refund_no} is
 * derived from the order number, so asking twice (or retrying) can never refund twice.
 */
public record RefundRequest(String orderNo, PaymentChannel channel, String channelTxnId, long totalFen,
                            long refundFen, String reason) {

    /** Never a refund of nothing, of a negative amount, or of more than was paid: whoever asks, the request does not exist. */
    public RefundRequest {
        if (refundFen <= 0 || refundFen > totalFen) {
            throw new IllegalArgumentException("refund of " + refundFen + " fen for order " + orderNo + " paid " + totalFen
                    + " fen: a refund is above zero and at most what was paid");
        }
    }

    public String outRefundNo() {
        return outRefundNoOf(orderNo);
    }

    public static String outRefundNoOf(String orderNo) {
        return "R" + orderNo;
    }
}
