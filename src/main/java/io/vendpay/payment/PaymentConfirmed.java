package io.vendpay.payment;

/**
 * The channel confirmed that {@code orderNo} was paid: from a verified notification or from a
 * query that said so (same event, same dedup key). Published inside the transaction that marks
 * the stored notification processed, so listeners' state changes commit with it or not at all.
 *
 * @param amountFen the amount the channel says was paid, to be compared with the order
 */
public record PaymentConfirmed(PaymentChannel channel, String orderNo, String transactionId, long amountFen,
                               long paidAt, String source) {
}
