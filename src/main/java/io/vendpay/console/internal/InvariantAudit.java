package io.vendpay.console.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.vendpay.shared.LongStatements;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Checks contract section 3's invariants in the store, for the orders created in a time window.
 * Every check is one set query; a count above zero is a broken invariant (or, for
 * {@code stuck_orders}, work the platform has not finished by itself).
 */
@Component
class InvariantAudit {

    private final JdbcClient jdbc;
    private final PlatformTransactionManager tx;
    private final DataSource dataSource;

    InvariantAudit(JdbcClient jdbc, PlatformTransactionManager tx, DataSource dataSource) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.dataSource = dataSource;
    }

    /**
     * @param paidAtChannel order numbers the channel confirmed as paid (from the caller's side of the
     *                      channel, e.g. the peak simulator's customers); empty when unknown
     * @param stuckAfterMs  a non-final order untouched for this long counts as stuck
     */
    Map<String, Long> run(long from, long to, List<String> paidAtChannel, long stuckAfterMs) {
        // over every order of a busy year these run for longer than the server's socket timeout, on purpose
        return LongStatements.readOnly(tx, dataSource, () -> checks(from, to, paidAtChannel, stuckAfterMs));
    }

    private Map<String, Long> checks(long from, long to, List<String> paidAtChannel, long stuckAfterMs) {
        var r = new LinkedHashMap<String, Long>();
        // 1 and 2: more than one command or more than one dispense for an order
        r.put("double_dispense", count("""
                SELECT COUNT(*) FROM orders o WHERE o.created_at BETWEEN ? AND ? AND (
                    (SELECT COUNT(*) FROM dispense_command c WHERE c.order_no = o.order_no) > 1
                 OR (SELECT COUNT(*) FROM order_event e WHERE e.order_no = o.order_no AND e.type = 'DISPENSE_OK') > 1)""", from, to));
        // invariant 1: a refund for an order that was dispensed (or whose machine reported success)
        r.put("refund_after_dispense", count("""
                SELECT COUNT(*) FROM orders o JOIN refund f ON f.order_no = o.order_no
                WHERE o.created_at BETWEEN ? AND ? AND (o.status = 'DISPENSED'
                   OR EXISTS (SELECT 1 FROM dispense_command c WHERE c.order_no = o.order_no AND c.result_ok = TRUE))""", from, to));
        // invariant 3: a confirmed payment not settled, unless its machine has been silent since the command
        r.put("paid_unsettled", count("""
                SELECT COUNT(*) FROM orders o WHERE o.created_at BETWEEN ? AND ? AND o.channel_txn_id IS NOT NULL
                  AND o.status NOT IN ('DISPENSED', 'REFUNDED')
                  AND NOT (o.status = 'DISPENSE_UNKNOWN' AND EXISTS (SELECT 1 FROM dispense_command c JOIN device d
                           ON d.device_id = c.device_id WHERE c.order_no = o.order_no
                           AND (d.last_seen_at IS NULL OR d.last_seen_at < c.first_sent_at)))""", from, to));
        // a payment the channel confirmed that vendpay never recorded
        r.put("lost_notifications", lost(paidAtChannel));
        // a paid amount that differs from the order must never be dispensed
        r.put("amount_mismatch_dispensed", count("""
                SELECT COUNT(*) FROM orders o WHERE o.created_at BETWEEN ? AND ? AND o.paid_amount_fen IS NOT NULL
                  AND o.paid_amount_fen <> o.amount_fen
                  AND (o.status = 'DISPENSED' OR EXISTS (SELECT 1 FROM dispense_command c WHERE c.order_no = o.order_no))""",
                from, to));
        long now = System.currentTimeMillis();
        r.put("stuck_orders", count("""
                SELECT COUNT(*) FROM orders o WHERE o.created_at BETWEEN ? AND ?
                  AND ((o.status = 'CREATED' AND o.expires_at < ?)
                    OR (o.status IN ('PAID', 'DISPENSING', 'REFUNDING') AND o.updated_at < ?))""",
                from, to, now - stuckAfterMs, now - stuckAfterMs));
        return r;
    }

    private long lost(List<String> paidAtChannel) {
        long lost = 0;
        for (int i = 0; i < paidAtChannel.size(); i += 1000) {
            List<String> chunk = paidAtChannel.subList(i, Math.min(paidAtChannel.size(), i + 1000));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            long recorded = jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel_txn_id IS NOT NULL AND order_no IN (" + marks + ")")
                    .params(chunk).query(Long.class).single();
            lost += chunk.size() - recorded;
        }
        return lost;
    }

    private long count(String sql, Object... args) {
        return jdbc.sql(sql).params(List.of(args)).query(Long.class).single();
    }
}
