package io.vendpay.payment.internal;

import java.time.Duration;
import java.util.List;

import io.vendpay.shared.Retention;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stored notifications (each with the channel's whole payload) are kept {@code vendpay.retention.notifications}
 * (180 days). Long before that no channel re-sends one (WeChat retries for a day, Alipay for 25 hours),
 * so their dedup keys are no longer needed; the payment itself stays on its order. Only processed
 * ones go: a notification still pending, or an operator case (POISON), stays until it is resolved.
 */
@Component
class NotificationRetention {

    private final JdbcClient jdbc;
    private final Duration keep;

    NotificationRetention(JdbcClient jdbc, @Value("${vendpay.retention.notifications:180d}") Duration keep) {
        this.jdbc = jdbc;
        this.keep = keep;
    }

    @Scheduled(fixedDelayString = "${vendpay.retention.every:10m}", initialDelayString = "${vendpay.retention.first-after:5m}")
    void purge() {
        Retention.purge("payment_notification", keep,
                after -> jdbc.sql("""
                                SELECT id, received_at, processed_at IS NOT NULL AND (outcome IS NULL OR outcome <> 'POISON')
                                FROM payment_notification WHERE id > ? ORDER BY id LIMIT ?""")
                        .params(after == null ? 0L : after, Retention.BATCH)
                        .query((rs, i) -> new Retention.Row(rs.getLong(1), rs.getLong(2), rs.getBoolean(3))).list(),
                ids -> jdbc.sql("DELETE FROM payment_notification WHERE id IN (" + Retention.marks(ids.size()) + ")")
                        .params(List.copyOf(ids)).update());
    }
}
