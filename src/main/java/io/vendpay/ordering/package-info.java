/**
 * Ordering: the order aggregate and its life (contract section 3). Machines create orders over
 * signed HTTP; payment, dispense and refund events move them forward. Every move is one
 * conditional update naming the status it expects, so concurrent or repeated events cannot both
 * win, and each move appends to the order's timeline in the same transaction.
 * <p>
 * API: {@link io.vendpay.ordering.OrderStatus}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Ordering")
package io.vendpay.ordering;
