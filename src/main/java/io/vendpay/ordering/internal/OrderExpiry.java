package io.vendpay.ordering.internal;

import io.vendpay.fleet.Fleet;
import io.vendpay.payment.ChannelException;
import io.vendpay.payment.PaymentGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Expires unpaid orders: closes them at the channel so they can no longer be paid, then moves
 * them CREATED → CLOSED and gives their held unit back. Works in batches through the
 * (status, expires_at) index, never scanning the table.
 * <p>
 * If the channel reports the order paid after all, it is left CREATED: its payment will be
 * applied like any other. If the channel cannot be reached, the order is closed here anyway:
 * a payment that still arrives is a late payment and is refunded, never dispensed.
 */
@Component
class OrderExpiry {

    private static final Logger log = LoggerFactory.getLogger(OrderExpiry.class);
    private static final int BATCH = 200;

    private final Orders orders;
    private final Fleet fleet;
    private final PaymentGateway payments;
    private final TransactionTemplate tx;

    OrderExpiry(Orders orders, Fleet fleet, PaymentGateway payments, TransactionTemplate tx) {
        this.orders = orders;
        this.fleet = fleet;
        this.payments = payments;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${vendpay.ordering.expiry-every:1s}", initialDelayString = "5s")
    void expire() {
        long now = System.currentTimeMillis();
        for (Order o : orders.expiredUnpaid(now, BATCH)) {
            String detail;
            try {
                if (payments.close(o.channel(), o.orderNo()) == PaymentGateway.CloseOutcome.ALREADY_PAID) {
                    log.info("event=order.expiry_skipped order_no={} reason=paid_at_channel", o.orderNo());
                    continue;
                }
                detail = "closed at channel";
            } catch (ChannelException e) {
                detail = "channel close failed (" + e.getMessage() + "); a later payment will be refunded";
            }
            String why = detail;
            tx.executeWithoutResult(s -> {
                if (orders.move(o, OrderTransition.EXPIRE, System.currentTimeMillis(), null, null, why)) {
                    fleet.release(o.deviceId(), o.slot());
                }
            });
        }
    }
}
