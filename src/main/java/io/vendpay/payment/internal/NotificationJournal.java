package io.vendpay.payment.internal;

import java.util.List;
import java.util.Optional;

import io.vendpay.payment.PaymentChannel;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The durable record of every verified notification. {@link #store} is what the notify endpoints
 * wait for before answering; its unique key (channel, transaction id, event type) makes the
 * channel's duplicates, retries and races between nodes collapse into one row.
 */
@Repository
public class NotificationJournal {

    private final JdbcClient jdbc;

    NotificationJournal(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Stored(long id, ChannelNotification notification) {
    }

    /** Stores the notification, pending; empty when the same one is already stored (a duplicate). */
    public Optional<Stored> store(ChannelNotification n, long now) {
        return insert(n, now, null, null, 0);
    }

    /**
     * Stores the notification as processed, in the transaction that applies it (the caller's): one statement
     * and no separate claim. Empty when the same one is already stored; a concurrent copy waits on this row's
     * key until the transaction ends, then finds it (committed) or stores itself (rolled back).
     */
    Optional<Stored> storeProcessed(ChannelNotification n, long now) {
        return insert(n, now, now, "PROCESSED", 0);
    }

    /** Stores it pending with one failed attempt counted: its application just failed in the receiving transaction. */
    Optional<Stored> storeFailedOnce(ChannelNotification n, long now) {
        return insert(n, now, null, null, 1);
    }

    private Optional<Stored> insert(ChannelNotification n, long now, Long processedAt, String outcome, int attempts) {
        var key = new GeneratedKeyHolder();
        try {
            jdbc.sql("""
                    INSERT INTO payment_notification (channel, transaction_id, event_type, out_trade_no, out_refund_no,
                        notify_id, amount_fen, trade_state, source, payload, received_at, processed_at, outcome, attempts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(n.channel().name(), n.transactionId(), n.eventType(), n.outTradeNo(), n.outRefundNo(),
                            n.notifyId(), n.amountFen(), n.tradeState(), n.source(), n.payload(), now, processedAt, outcome,
                            attempts)
                    .update(key, "id");
        } catch (DuplicateKeyException duplicate) {
            return Optional.empty();
        }
        return Optional.of(new Stored(key.getKey().longValue(), n));
    }

    /** Marks processed; {@code false} when another worker or node already did. */
    public boolean markProcessed(long id, String outcome, long now) {
        return jdbc.sql("UPDATE payment_notification SET processed_at = ?, outcome = ? WHERE id = ? AND processed_at IS NULL")
                .params(now, outcome, id).update() == 1;
    }

    public void recordOutcome(long id, String outcome) {
        jdbc.sql("UPDATE payment_notification SET outcome = ? WHERE id = ?").params(outcome, id).update();
    }

    /** Stored but unprocessed for longer than {@code olderThan}: left behind by a full queue, a crash or a failure. */
    public List<Stored> unprocessed(long receivedBefore, int limit) {
        return jdbc.sql("""
                SELECT id, channel, transaction_id, event_type, out_trade_no, out_refund_no, notify_id, amount_fen,
                       trade_state, source, payload, received_at, attempts
                FROM payment_notification
                WHERE processed_at IS NULL AND received_at < ?
                ORDER BY received_at LIMIT ?""")
                .params(receivedBefore, limit)
                .query(NotificationJournal::stored)
                .list();
    }

    /** Counts a failed processing attempt; answers the attempts so far. */
    int failedAttempt(long id) {
        jdbc.sql("UPDATE payment_notification SET attempts = attempts + 1 WHERE id = ?").param(id).update();
        return jdbc.sql("SELECT attempts FROM payment_notification WHERE id = ?").param(id).query(Integer.class).single();
    }

    /** Takes a still unprocessed notification out of the sweep, as POISON, and opens its case. */
    boolean quarantine(long id, long now, int attempts, String error) {
        if (!markProcessed(id, "POISON", now)) {
            return false;   // processed meanwhile (another node, a later attempt that worked)
        }
        jdbc.sql("INSERT INTO notification_case (notification_id, raised_at, attempts, last_error) VALUES (?, ?, ?, ?)")
                .params(id, now, attempts, error.length() > 512 ? error.substring(0, 512) : error).update();
        return true;
    }

    public record Case(long id, String channel, String eventType, String transactionId, String outTradeNo,
                       String outRefundNo, long receivedAt, long raisedAt, int attempts, String lastError) {
    }

    List<Case> cases(int limit) {
        return jdbc.sql("""
                SELECT n.id, n.channel, n.event_type, n.transaction_id, n.out_trade_no, n.out_refund_no, n.received_at,
                       c.raised_at, c.attempts, c.last_error
                FROM notification_case c JOIN payment_notification n ON n.id = c.notification_id
                ORDER BY c.raised_at DESC LIMIT ?""")
                .param(limit)
                .query((rs, i) -> new Case(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getInt(9), rs.getString(10)))
                .list();
    }

    /** Closes a case and makes its notification pending again, with its attempts from zero; false if there is no such case. */
    boolean reopen(long id) {
        if (jdbc.sql("DELETE FROM notification_case WHERE notification_id = ?").param(id).update() == 0) {
            return false;
        }
        jdbc.sql("UPDATE payment_notification SET processed_at = NULL, outcome = NULL, attempts = 0 WHERE id = ? AND outcome = 'POISON'")
                .param(id).update();
        return true;
    }

    Optional<Stored> pending(long id) {
        return jdbc.sql("""
                SELECT id, channel, transaction_id, event_type, out_trade_no, out_refund_no, notify_id, amount_fen,
                       trade_state, source, payload, received_at
                FROM payment_notification WHERE id = ? AND processed_at IS NULL""")
                .param(id)
                .query(NotificationJournal::stored)
                .optional();
    }

    private static Stored stored(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Stored(rs.getLong("id"), new ChannelNotification(
                PaymentChannel.valueOf(rs.getString("channel")), rs.getString("transaction_id"),
                rs.getString("event_type"), rs.getString("out_trade_no"), rs.getString("out_refund_no"),
                rs.getString("notify_id"), rs.getObject("amount_fen", Long.class), rs.getString("trade_state"),
                rs.getString("payload"), rs.getLong("received_at"), rs.getString("source")));
    }
}
