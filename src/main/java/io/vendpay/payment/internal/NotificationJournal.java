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

    /** Stores the notification; empty when the same one is already stored (a duplicate). */
    public Optional<Stored> store(ChannelNotification n, long now) {
        var key = new GeneratedKeyHolder();
        try {
            jdbc.sql("""
                    INSERT INTO payment_notification (channel, transaction_id, event_type, out_trade_no, out_refund_no,
                        notify_id, amount_fen, trade_state, source, payload, received_at, attempts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""")
                    .params(n.channel().name(), n.transactionId(), n.eventType(), n.outTradeNo(), n.outRefundNo(),
                            n.notifyId(), n.amountFen(), n.tradeState(), n.source(), n.payload(), now)
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

    public void countAttempt(long id) {
        jdbc.sql("UPDATE payment_notification SET attempts = attempts + 1 WHERE id = ?").param(id).update();
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
                .query((rs, i) -> new Stored(rs.getLong("id"), new ChannelNotification(
                        PaymentChannel.valueOf(rs.getString("channel")), rs.getString("transaction_id"),
                        rs.getString("event_type"), rs.getString("out_trade_no"), rs.getString("out_refund_no"),
                        rs.getString("notify_id"), rs.getObject("amount_fen", Long.class), rs.getString("trade_state"),
                        rs.getString("payload"), rs.getLong("received_at"), rs.getString("source"))))
                .list();
    }
}
