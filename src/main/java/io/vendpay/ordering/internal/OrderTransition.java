package io.vendpay.ordering.internal;

import static io.vendpay.ordering.OrderStatus.CLOSED;
import static io.vendpay.ordering.OrderStatus.CREATED;
import static io.vendpay.ordering.OrderStatus.DISPENSED;
import static io.vendpay.ordering.OrderStatus.DISPENSE_UNKNOWN;
import static io.vendpay.ordering.OrderStatus.DISPENSING;
import static io.vendpay.ordering.OrderStatus.PAID;
import static io.vendpay.ordering.OrderStatus.REFUNDED;
import static io.vendpay.ordering.OrderStatus.REFUNDING;

import java.util.EnumSet;
import java.util.Set;

import io.vendpay.ordering.OrderStatus;

/**
 * Every move an order can make, with the statuses it may start from. This table is the state
 * machine of contract section 3; nothing else changes an order's status. Note what is absent:
 * no transition leads from DISPENSED anywhere, so a dispensed order can never be refunded
 * (invariant 1), and only PAY leads to PAID, which alone creates a dispense command (invariant 2).
 */
enum OrderTransition {
    PAY(PAID, CREATED),
    COMMAND_SENT(DISPENSING, PAID),
    DISPENSE_OK(DISPENSED, PAID, DISPENSING, DISPENSE_UNKNOWN),
    DISPENSE_FAILED(REFUNDING, PAID, DISPENSING, DISPENSE_UNKNOWN),
    NO_ANSWER(DISPENSE_UNKNOWN, PAID, DISPENSING),
    EXPIRE(CLOSED, CREATED),
    CHANNEL_FAILED(CLOSED, CREATED),
    LATE_PAYMENT(REFUNDING, CLOSED),
    AMOUNT_MISMATCH(REFUNDING, CREATED, CLOSED),
    REFUND_DONE(REFUNDED, REFUNDING);

    final OrderStatus to;
    final Set<OrderStatus> from;

    OrderTransition(OrderStatus to, OrderStatus first, OrderStatus... more) {
        this.to = to;
        this.from = EnumSet.of(first, more);
    }

    boolean allowedFrom(OrderStatus current) {
        return from.contains(current);
    }
}
