package io.vendpay.ordering.internal;

import io.vendpay.ordering.OrderStatus;
import io.vendpay.payment.PaymentChannel;

/** An order as stored. Immutable: a transition is a conditional update, then a fresh read if needed. */
record Order(
        String orderNo,
        String deviceId,
        String clientOrderId,
        String slot,
        String productId,
        String productName,
        long amountFen,
        PaymentChannel channel,
        OrderStatus status,
        String flags,
        String qrCode,
        String channelTxnId,
        Long paidAmountFen,
        long createdAt,
        long expiresAt,
        Long paidAt,
        Long settledAt,
        long updatedAt,
        Long dueAt,
        int queries) {
}
