package io.vendpay.ordering.internal;

import io.vendpay.dispense.DispenseCommandSent;
import io.vendpay.dispense.DispenseFailed;
import io.vendpay.dispense.DispenseSucceeded;
import io.vendpay.dispense.DispenseUnanswered;
import io.vendpay.dispense.Dispenser;
import io.vendpay.fleet.Fleet;
import io.vendpay.ordering.OrderStatus;
import io.vendpay.payment.NotificationQuarantined;
import io.vendpay.payment.PaymentConfirmed;
import io.vendpay.payment.RefundRequest;
import io.vendpay.payment.RefundSettled;
import io.vendpay.payment.Refunds;
import io.vendpay.shared.Alerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Moves orders in answer to the other modules' events. Listeners run synchronously inside the
 * publisher's transaction, so an order's move, its stock effect, its timeline entry, and the
 * dispense command or refund it causes all commit together with the event's own record.
 * <p>
 * Each handler reads the order, decides, and makes one conditional move; when another event
 * moved the order in between, it reads again and decides again. Repeated events find the
 * order already moved and do nothing: the effect of one.
 */
@Component
class OrderLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OrderLifecycle.class);
    private static final int ATTEMPTS = 5;

    private final Orders orders;
    private final OrderTimeline timeline;
    private final Fleet fleet;
    private final Dispenser dispenser;
    private final Refunds refunds;
    private final Alerts alerts;

    OrderLifecycle(Orders orders, OrderTimeline timeline, Fleet fleet, Dispenser dispenser, Refunds refunds, Alerts alerts) {
        this.orders = orders;
        this.timeline = timeline;
        this.fleet = fleet;
        this.dispenser = dispenser;
        this.refunds = refunds;
        this.alerts = alerts;
    }

    @EventListener
    void on(PaymentConfirmed p) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Order o = orders.find(p.orderNo()).orElse(null);
            long now = System.currentTimeMillis();
            if (o == null) {
                alerts.raise("PAYMENT_FOR_UNKNOWN_ORDER", "channel=" + p.channel() + " out_trade_no=" + p.orderNo()
                        + " transaction_id=" + p.transactionId() + " amount_fen=" + p.amountFen()
                        + " (stored; reconcile against the bill and refund by hand if it is not ours)");
                return;
            }
            if (o.channelTxnId() != null) {
                if (!o.channelTxnId().equals(p.transactionId())) {
                    timeline.note(o.orderNo(), now, "SECOND_PAYMENT", "transaction_id=" + p.transactionId());
                    alerts.raise("SECOND_PAYMENT", "order_no=" + o.orderNo() + " first=" + o.channelTxnId()
                            + " second=" + p.transactionId() + " (refund the second payment in the merchant platform)");
                }
                return; // this payment was already applied: a duplicate
            }
            if (o.channel() != p.channel()) {
                alerts.raise("PAYMENT_CHANNEL_MISMATCH", "order_no=" + o.orderNo() + " order_channel=" + o.channel()
                        + " paid_via=" + p.channel());
                return;
            }
            var payment = new Orders.Payment(p.transactionId(), p.amountFen(), p.paidAt());
            boolean amountOk = p.amountFen() == o.amountFen();
            boolean moved;
            switch (o.status()) {
                case CREATED -> {
                    if (amountOk) {
                        moved = orders.move(o, OrderTransition.PAY, now, payment, null,
                                "transaction_id=" + p.transactionId() + " source=" + p.source());
                        if (moved) {
                            dispenser.dispense(o.orderNo(), o.deviceId(), o.slot());
                        }
                    } else {
                        moved = orders.move(o, OrderTransition.AMOUNT_MISMATCH, now, payment, "AMOUNT_MISMATCH",
                                "paid_fen=" + p.amountFen() + " order_fen=" + o.amountFen());
                        if (moved) {
                            fleet.release(o.deviceId(), o.slot());
                            refund(o, p, "Paid amount differs from the order");
                            alerts.raise("AMOUNT_MISMATCH", "order_no=" + o.orderNo() + " paid_fen=" + p.amountFen()
                                    + " order_fen=" + o.amountFen() + " (refunding, not dispensing)");
                        }
                    }
                }
                case CLOSED -> {
                    moved = amountOk
                            ? orders.move(o, OrderTransition.LATE_PAYMENT, now, payment, "LATE_PAYMENT",
                            "transaction_id=" + p.transactionId() + " (order had expired)")
                            : orders.move(o, OrderTransition.AMOUNT_MISMATCH, now, payment, "LATE_PAYMENT,AMOUNT_MISMATCH",
                            "paid_fen=" + p.amountFen() + " order_fen=" + o.amountFen() + " (order had expired)");
                    if (moved) {
                        refund(o, p, amountOk ? "Order expired before payment arrived" : "Paid amount differs from the order");
                    }
                }
                default -> {
                    // Paid states always carry a transaction id; reaching here means a status without one.
                    log.warn("event=order.payment_unexpected order_no={} status={} transaction_id={}",
                            o.orderNo(), o.status(), p.transactionId());
                    return;
                }
            }
            if (moved) {
                return;
            }
        }
        throw new IllegalStateException("order " + p.orderNo() + " kept changing while applying payment " + p.transactionId());
    }

    /** Only from PAID (a result or an unanswered report may have moved it on already); no read first. */
    @EventListener
    void on(DispenseCommandSent e) {
        orders.move(e.orderNo(), OrderStatus.PAID, OrderTransition.COMMAND_SENT, System.currentTimeMillis(), null, null,
                "cmd_id=" + e.cmdId());
    }

    @EventListener
    void on(DispenseSucceeded e) {
        // the usual case first, without reading the order: it is DISPENSING (its command was acknowledged)
        if (e.slot() != null && orders.move(e.orderNo(), OrderStatus.DISPENSING, OrderTransition.DISPENSE_OK,
                System.currentTimeMillis(), null, null, "cmd_id=" + e.cmdId())) {
            fleet.consume(e.deviceId(), e.slot());
            return;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Order o = orders.find(e.orderNo()).orElseThrow();
            if (!OrderTransition.DISPENSE_OK.allowedFrom(o.status())) {
                log.warn("event=order.dispense_ok_ignored order_no={} status={}", o.orderNo(), o.status());
                return;
            }
            if (orders.move(o, OrderTransition.DISPENSE_OK, System.currentTimeMillis(), null, null, "cmd_id=" + e.cmdId())) {
                fleet.consume(o.deviceId(), o.slot());
                return;
            }
        }
    }

    @EventListener
    void on(DispenseFailed e) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Order o = orders.find(e.orderNo()).orElseThrow();
            if (!OrderTransition.DISPENSE_FAILED.allowedFrom(o.status())) {
                log.warn("event=order.dispense_failed_ignored order_no={} status={}", o.orderNo(), o.status());
                return;
            }
            if (orders.move(o, OrderTransition.DISPENSE_FAILED, System.currentTimeMillis(), null, "DISPENSE_FAILED",
                    "cmd_id=" + e.cmdId() + " reason=" + e.reason())) {
                fleet.release(o.deviceId(), o.slot());
                refunds.request(new RefundRequest(o.orderNo(), o.channel(), o.channelTxnId(), o.paidAmountFen(),
                        o.paidAmountFen(), "Machine could not dispense: " + e.reason()));
                return;
            }
        }
    }

    @EventListener
    void on(DispenseUnanswered e) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Order o = orders.find(e.orderNo()).orElseThrow();
            if (!OrderTransition.NO_ANSWER.allowedFrom(o.status())) {
                return;
            }
            if (orders.move(o, OrderTransition.NO_ANSWER, System.currentTimeMillis(), null, null,
                    "cmd_id=" + e.cmdId() + " sends=" + e.sends())) {
                return;
            }
        }
    }

    @EventListener
    void on(NotificationQuarantined e) {
        orders.find(e.orderNo()).ifPresent(o -> timeline.note(o.orderNo(), System.currentTimeMillis(), "NOTIFICATION_POISON",
                "notification_id=" + e.notificationId() + " type=" + e.eventType() + " attempts=" + e.attempts()
                        + " error=" + e.error() + " (not applied; an operator case)"));
    }

    @EventListener
    void on(RefundSettled e) {
        long now = System.currentTimeMillis();
        Order o = orders.find(e.orderNo()).orElse(null);
        if (o == null) {
            return;
        }
        if (!e.succeeded()) {
            timeline.note(o.orderNo(), now, "REFUND_NOT_PAID", "out_refund_no=" + e.outRefundNo() + " channel_status=" + e.channelStatus());
            return;
        }
        orders.move(o, OrderTransition.REFUND_DONE, now, null, null, "out_refund_no=" + e.outRefundNo());
    }

    private void refund(Order o, PaymentConfirmed p, String reason) {
        refunds.request(new RefundRequest(o.orderNo(), o.channel(), p.transactionId(), p.amountFen(), p.amountFen(), reason));
    }
}
