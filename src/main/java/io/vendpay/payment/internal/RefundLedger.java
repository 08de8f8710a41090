package io.vendpay.payment.internal;

import java.util.List;
import java.util.Optional;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.payment.RefundRequest;
import io.vendpay.payment.RefundSettled;
import io.vendpay.shared.Alerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The refund table and its transitions. Statuses:
 * PENDING (to be requested) → REQUESTED (channel accepted, outcome pending) → SUCCEEDED | CLOSED,
 * with ABNORMAL (the channel needs a person; not final) and FAILED (the channel refused the
 * request itself) as states an operator sees. Every transition is conditional on the current status.
 */
@Repository
public class RefundLedger {

    private static final Logger log = LoggerFactory.getLogger(RefundLedger.class);
    static final long ABNORMAL_RECHECK_MS = 3_600_000;

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final Alerts alerts;

    RefundLedger(JdbcClient jdbc, ApplicationEventPublisher events, Alerts alerts) {
        this.jdbc = jdbc;
        this.events = events;
        this.alerts = alerts;
    }

    public record RefundRow(String outRefundNo, String orderNo, PaymentChannel channel, String channelTxnId,
                            long totalFen, long refundFen, String reason, String status, int attempts,
                            Long nextAttemptAt, String channelRefundId, String lastError, long createdAt, Long settledAt) {
    }

    private static final String COLUMNS = """
            out_refund_no, order_no, channel, channel_txn_id, total_fen, refund_fen, reason, status, attempts,
            next_attempt_at, channel_refund_id, last_error, created_at, settled_at""";

    private static RefundRow map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new RefundRow(rs.getString(1), rs.getString(2), PaymentChannel.valueOf(rs.getString(3)),
                rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getString(8), rs.getInt(9),
                rs.getObject(10, Long.class), rs.getString(11), rs.getString(12), rs.getLong(13), rs.getObject(14, Long.class));
    }

    public Optional<RefundRow> ofOrder(String orderNo) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM refund WHERE order_no = ?").param(orderNo).query(RefundLedger::map).optional();
    }

    public List<RefundRow> list(String status, int limit) {
        return status == null
                ? jdbc.sql("SELECT " + COLUMNS + " FROM refund ORDER BY created_at DESC LIMIT ?").param(limit).query(RefundLedger::map).list()
                : jdbc.sql("SELECT " + COLUMNS + " FROM refund WHERE status = ? ORDER BY created_at DESC LIMIT ?")
                .params(status, limit).query(RefundLedger::map).list();
    }

    /** {@code false}: this order already has its refund. */
    public boolean insert(RefundRequest r, long now, long firstAttemptAt) {
        try {
            jdbc.sql("""
                    INSERT INTO refund (out_refund_no, order_no, channel, channel_txn_id, total_fen, refund_fen, reason,
                        status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)""")
                    .params(r.outRefundNo(), r.orderNo(), r.channel().name(), r.channelTxnId(), r.totalFen(),
                            r.refundFen(), truncate(r.reason(), 80), firstAttemptAt, now, now)
                    .update();
            return true;
        } catch (DuplicateKeyException already) {
            return false;
        }
    }

    public Optional<RefundRow> find(String outRefundNo) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM refund WHERE out_refund_no = ?").param(outRefundNo)
                .query(RefundLedger::map).optional();
    }

    /** Refunds whose timer is due: to request (PENDING) or to ask about (REQUESTED, ABNORMAL). */
    public List<String> due(long now, int limit) {
        return jdbc.sql("""
                SELECT out_refund_no FROM refund
                WHERE status IN ('PENDING', 'REQUESTED', 'ABNORMAL') AND next_attempt_at <= ?
                ORDER BY next_attempt_at LIMIT ?""")
                .params(now, limit).query(String.class).list();
    }

    /** Takes a lease on a due refund so one node at a time calls the channel for it. */
    public boolean lease(String outRefundNo, long now, long until) {
        return jdbc.sql("""
                UPDATE refund SET next_attempt_at = ?
                WHERE out_refund_no = ? AND status IN ('PENDING', 'REQUESTED', 'ABNORMAL') AND next_attempt_at <= ?""")
                .params(until, outRefundNo, now).update() == 1;
    }

    /** The channel still reports the refund in progress (or abnormal): ask again at {@code nextQueryAt}. */
    public void askAgainAt(String outRefundNo, long nextQueryAt, long now) {
        jdbc.sql("""
                UPDATE refund SET attempts = attempts + 1, next_attempt_at = ?, updated_at = ?
                WHERE out_refund_no = ? AND status IN ('REQUESTED', 'ABNORMAL')""")
                .params(nextQueryAt, now, outRefundNo).update();
    }

    public void retryLater(String outRefundNo, long nextAttemptAt, String error, long now) {
        jdbc.sql("""
                UPDATE refund SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, updated_at = ?
                WHERE out_refund_no = ? AND status = 'PENDING'""")
                .params(nextAttemptAt, truncate(error, 512), now, outRefundNo).update();
    }

    public void refused(RefundRow r, String error, long now) {
        int n = jdbc.sql("""
                UPDATE refund SET status = 'FAILED', attempts = attempts + 1, next_attempt_at = NULL, last_error = ?, updated_at = ?
                WHERE out_refund_no = ? AND status = 'PENDING'""")
                .params(truncate(error, 512), now, r.outRefundNo()).update();
        if (n == 1) {
            alerts.raise("REFUND_REFUSED", "order_no=" + r.orderNo() + " out_refund_no=" + r.outRefundNo()
                    + " error=\"" + error + "\" (the channel refused the refund request; refund by hand in the merchant platform)");
        }
    }

    /** The channel accepted the request; its outcome comes by notification, or by the query at {@code queryAt}. */
    public void accepted(String outRefundNo, String channelRefundId, long now, long queryAt) {
        jdbc.sql("""
                UPDATE refund SET status = 'REQUESTED', channel_refund_id = ?, attempts = 0,
                    next_attempt_at = ?, last_error = NULL, updated_at = ?
                WHERE out_refund_no = ? AND status = 'PENDING'""")
                .params(channelRefundId, queryAt, now, outRefundNo).update();
    }

    /** The channel says the money went back. Publishes {@link RefundSettled} once. */
    public boolean succeeded(String outRefundNo, String channelRefundId, long now) {
        int n = jdbc.sql("""
                UPDATE refund SET status = 'SUCCEEDED', channel_refund_id = COALESCE(?, channel_refund_id),
                    next_attempt_at = NULL, settled_at = ?, updated_at = ?
                WHERE out_refund_no = ? AND status IN ('PENDING', 'REQUESTED', 'ABNORMAL')""")
                .params(channelRefundId, now, now, outRefundNo).update();
        if (n == 1) {
            find(outRefundNo).ifPresent(r -> events.publishEvent(new RefundSettled(r.orderNo(), outRefundNo, true, "SUCCESS")));
        }
        return n == 1;
    }

    /** The channel closed the refund without paying it out. */
    public boolean closed(String outRefundNo, long now) {
        int n = jdbc.sql("""
                UPDATE refund SET status = 'CLOSED', next_attempt_at = NULL, settled_at = ?, updated_at = ?
                WHERE out_refund_no = ? AND status IN ('PENDING', 'REQUESTED', 'ABNORMAL')""")
                .params(now, now, outRefundNo).update();
        if (n == 1) {
            find(outRefundNo).ifPresent(r -> {
                alerts.raise("REFUND_CLOSED", "order_no=" + r.orderNo() + " out_refund_no=" + outRefundNo
                        + " (the channel closed the refund; the customer has not been paid back)");
                events.publishEvent(new RefundSettled(r.orderNo(), outRefundNo, false, "CLOSED"));
            });
        }
        return n == 1;
    }

    /**
     * The channel cannot pay the refund out (e.g. the customer's card was cancelled). Not final:
     * after manual handling it can still succeed, so it is asked about again, slowly.
     */
    public boolean abnormal(String outRefundNo, long now) {
        int n = jdbc.sql("""
                UPDATE refund SET status = 'ABNORMAL', next_attempt_at = ?, updated_at = ?
                WHERE out_refund_no = ? AND status IN ('PENDING', 'REQUESTED')""")
                .params(now + ABNORMAL_RECHECK_MS, now, outRefundNo).update();
        if (n == 1) {
            alerts.raise("REFUND_ABNORMAL", "out_refund_no=" + outRefundNo
                    + " (the customer's account cannot receive it; handle it in the merchant platform)");
        }
        return n == 1;
    }

    /** Applies a refund notification; returns the stored notification's outcome. */
    String onChannelReport(ChannelNotification n) {
        String no = n.outRefundNo();
        if (no == null || find(no).isEmpty()) {
            alerts.raise("REFUND_UNKNOWN", "channel=" + n.channel() + " out_refund_no=" + no + " out_trade_no=" + n.outTradeNo()
                    + " (a refund notification for a refund vendpay did not request)");
            return "UNKNOWN_REFUND";
        }
        long now = System.currentTimeMillis();
        boolean changed = switch (n.eventType()) {
            case ChannelNotification.REFUND_SUCCESS -> succeeded(no, n.transactionId(), now);
            case ChannelNotification.REFUND_CLOSED -> closed(no, now);
            case ChannelNotification.REFUND_ABNORMAL -> abnormal(no, now);
            default -> false;
        };
        if (!changed) {
            log.debug("event=refund.report_no_change out_refund_no={} type={}", no, n.eventType());
        }
        return changed ? "PROCESSED" : "NO_CHANGE";
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
