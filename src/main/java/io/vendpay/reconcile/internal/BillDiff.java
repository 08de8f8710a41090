package io.vendpay.reconcile.internal;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.reconcile.DiscrepancyKind;
import io.vendpay.shared.BoundedWorkers;
import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.LongStatements;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The diff of a landed bill against the day's orders and refunds: five set operations, each one
 * {@code INSERT ... SELECT} with a join or an anti-join, so the database walks the two sides once
 * and nothing crosses the wire per row. The bill side is scanned by its primary key (import, kind,
 * key) and looks orders up by theirs; the local side is scanned by {@code ix_orders_paid} /
 * {@code ix_refund_created} and looks the bill up by its primary key. Both walks visit keys in
 * nearly ascending order (time-ordered order numbers), so even a bill far larger than the buffer
 * pool is read mostly sequentially.
 * <p>
 * The bill-side and the local-side walks run at once on two connections: each is one thread in the
 * database, and on a 2-core machine the second core is otherwise idle once landing is over.
 * Each statement runs at READ COMMITTED: at REPEATABLE READ an {@code INSERT ... SELECT} would take
 * shared locks on every order it reads and stall the live platform's payments for the length of
 * the diff. A diff that dies half-way is simply run again: it starts by deleting what it wrote.
 */
final class BillDiff {

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate readCommitted;
    private final ExecutorService walks = Executors.newFixedThreadPool(2, BoundedWorkers.daemonThreads("reconcile-diff"));

    BillDiff(DataSource dataSource, JdbcClient jdbc, PlatformTransactionManager tx) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.readCommitted = new TransactionTemplate(tx);
        this.readCommitted.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    record Found(long count, long moneyFen) {
    }

    Map<DiscrepancyKind, Found> run(long importId, PaymentChannel channel, LocalDate date, long now) {
        long from = ChinaTime.startOfDay(date);
        long to = ChinaTime.startOfDay(date.plusDays(1));
        jdbc.sql("DELETE FROM bill_difference WHERE import_id = ?").param(importId).update(); // a diff that died half-way

        // each walk is one long statement or two over a whole day: not cut by the server's socket timeout
        Future<?> billSide = walks.submit(() -> readCommitted.executeWithoutResult(t -> {
            LongStatements.allowInTransaction(dataSource);
            // Bill payments against orders: not paid locally (whatever its day: no false alarm at midnight), or another amount.
            jdbc.sql("""
                    INSERT INTO bill_difference (import_id, kind, order_no, ref, bill_fen, local_fen, money_fen, occurred_at,
                        resolution, created_at)
                    SELECT b.import_id,
                           CASE WHEN o.paid_at IS NULL THEN 'PAID_NOT_RECORDED' ELSE 'AMOUNT_MISMATCH' END,
                           b.trade_key, b.transaction_id, b.amount_fen, o.paid_amount_fen,
                           CASE WHEN o.paid_at IS NULL THEN b.amount_fen ELSE ABS(b.amount_fen - o.paid_amount_fen) END,
                           b.traded_at,
                           CASE WHEN o.paid_at IS NULL THEN 'FEED_PENDING' ELSE 'OPERATOR' END, ?
                    FROM bill_line b LEFT JOIN orders o ON o.order_no = b.trade_key
                    WHERE b.import_id = ? AND b.kind = 'P' AND (o.paid_at IS NULL OR o.paid_amount_fen <> b.amount_fen)""")
                    .params(now, importId).update();

            // Bill refunds against refunds: unknown, or known locally as failed/closed (the money did leave), or another amount.
            jdbc.sql("""
                    INSERT INTO bill_difference (import_id, kind, order_no, ref, bill_fen, local_fen, money_fen, occurred_at,
                        resolution, created_at)
                    SELECT b.import_id,
                           CASE WHEN r.out_refund_no IS NULL OR r.status IN ('FAILED', 'CLOSED') THEN 'REFUND_NOT_RECORDED' ELSE 'AMOUNT_MISMATCH' END,
                           b.out_trade_no, b.trade_key, b.amount_fen, r.refund_fen,
                           CASE WHEN r.out_refund_no IS NULL OR r.status IN ('FAILED', 'CLOSED') THEN b.amount_fen
                                ELSE ABS(b.amount_fen - r.refund_fen) END,
                           b.traded_at, 'OPERATOR', ?
                    FROM bill_line b LEFT JOIN refund r ON r.out_refund_no = b.trade_key
                    WHERE b.import_id = ? AND b.kind = 'R'
                      AND (r.out_refund_no IS NULL OR r.status IN ('FAILED', 'CLOSED') OR r.refund_fen <> b.amount_fen)""")
                    .params(now, importId).update();
        }));
        Future<?> localSide = walks.submit(() -> readCommitted.executeWithoutResult(t -> {
            LongStatements.allowInTransaction(dataSource);
            // Orders paid that day through this channel that the bill does not list.
            jdbc.sql("""
                    INSERT INTO bill_difference (import_id, kind, order_no, ref, bill_fen, local_fen, money_fen, occurred_at,
                        resolution, created_at)
                    SELECT ?, 'RECORDED_NOT_IN_BILL', o.order_no, '', NULL, o.paid_amount_fen, o.paid_amount_fen, o.paid_at,
                           'OPERATOR', ?
                    FROM orders o LEFT JOIN bill_line b ON b.import_id = ? AND b.kind = 'P' AND b.trade_key = o.order_no
                    WHERE o.channel = ? AND o.paid_at >= ? AND o.paid_at < ? AND b.trade_key IS NULL""")
                    .params(importId, now, importId, channel.name(), from, to).update();
            // the transaction id is not in the covering index: fetched for the few differences only
            jdbc.sql("""
                    UPDATE bill_difference SET ref = COALESCE((SELECT o.channel_txn_id FROM orders o WHERE o.order_no = bill_difference.order_no), '')
                    WHERE import_id = ? AND kind = 'RECORDED_NOT_IN_BILL'""").param(importId).update();

            // Refunds vendpay counts as succeeded, requested that day, that the bill does not list.
            jdbc.sql("""
                    INSERT INTO bill_difference (import_id, kind, order_no, ref, bill_fen, local_fen, money_fen, occurred_at,
                        resolution, created_at)
                    SELECT ?, 'REFUND_NOT_IN_BILL', r.order_no, r.out_refund_no, NULL, r.refund_fen, r.refund_fen, r.created_at,
                           'OPERATOR', ?
                    FROM refund r LEFT JOIN bill_line b ON b.import_id = ? AND b.kind = 'R' AND b.trade_key = r.out_refund_no
                    WHERE r.channel = ? AND r.created_at >= ? AND r.created_at < ? AND r.status = 'SUCCEEDED' AND b.trade_key IS NULL""")
                    .params(importId, now, importId, channel.name(), from, to).update();
        }));
        await(billSide);
        await(localSide);
        return counts(importId);
    }

    private static void await(Future<?> walk) {
        try {
            walk.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("diff interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    Map<DiscrepancyKind, Found> counts(long importId) {
        var found = new EnumMap<DiscrepancyKind, Found>(DiscrepancyKind.class);
        for (DiscrepancyKind k : DiscrepancyKind.values()) {
            found.put(k, new Found(0, 0));
        }
        jdbc.sql("SELECT kind, COUNT(*) AS n, COALESCE(SUM(money_fen), 0) AS fen FROM bill_difference WHERE import_id = ? GROUP BY kind")
                .param(importId)
                .query(rs -> {
                    found.put(DiscrepancyKind.valueOf(rs.getString("kind")), new Found(rs.getLong("n"), rs.getLong("fen")));
                });
        return found;
    }
}
