package io.vendpay.reconcile.internal;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.PaymentGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Feeds the payments only a bill knew (PAID_NOT_RECORDED) through the notification path, on the
 * server: {@code confirmFromBill} stores each under the notification's dedup key and the payment
 * module processes it as if the notification had come, dispensing or, for an order that already
 * expired, refunding. A command-line run only records them (FEED_PENDING): its store-only context
 * has no payment processing, and a half-built one would mark notifications processed with nobody
 * listening. The row's resolution moves by a conditional update, so two nodes feed each once.
 */
@Component
class BillPaymentFeeder {

    private static final Logger log = LoggerFactory.getLogger(BillPaymentFeeder.class);

    private final JdbcClient jdbc;
    private final PaymentGateway payments;

    BillPaymentFeeder(JdbcClient jdbc, PaymentGateway payments) {
        this.jdbc = jdbc;
        this.payments = payments;
    }

    private record Pending(long importId, String channel, String orderNo, String transactionId, long amountFen, long paidAt) {
    }

    @Scheduled(fixedDelayString = "${vendpay.reconcile.feed-every:5s}", initialDelayString = "2s")
    void feedPending() {
        while (feed(200) == 200) {
            log.debug("event=reconcile.feed_batch");
        }
    }

    /** Feeds up to {@code limit} pending payments; returns how many it looked at. */
    int feed(int limit) {
        var pending = jdbc.sql("""
                SELECT d.import_id, i.channel, d.order_no, d.ref, d.bill_fen, d.occurred_at
                FROM bill_difference d JOIN bill_import i ON i.id = d.import_id
                WHERE d.resolution = 'FEED_PENDING' ORDER BY d.import_id, d.order_no LIMIT ?""").param(limit)
                .query((rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6))).list();
        for (var p : pending) {
            boolean fresh = payments.confirmFromBill(PaymentChannel.valueOf(p.channel()), p.orderNo(), p.transactionId(),
                    p.amountFen(), p.paidAt());
            jdbc.sql("""
                    UPDATE bill_difference SET resolution = ?, resolved_at = ?
                    WHERE import_id = ? AND kind = 'PAID_NOT_RECORDED' AND order_no = ? AND ref = ? AND resolution = 'FEED_PENDING'""")
                    .params(fresh ? "FED" : "ALREADY_STORED", System.currentTimeMillis(), p.importId(), p.orderNo(), p.transactionId())
                    .update();
            log.info("event=reconcile.fed order_no={} transaction_id={} amount_fen={} new={}", p.orderNo(), p.transactionId(),
                    p.amountFen(), fresh);
        }
        return pending.size();
    }
}
