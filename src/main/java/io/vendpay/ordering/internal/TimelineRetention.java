package io.vendpay.ordering.internal;

import java.time.Duration;
import java.util.List;

import io.vendpay.shared.Retention;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Order timelines are kept {@code vendpay.retention.order-events} (400 days: a year of disputes and
 * audits, and some); the orders themselves, the system of record, are kept. Events are removed
 * oldest first in their id order (ids grow with time).
 */
@Component
class TimelineRetention {

    private final JdbcClient jdbc;
    private final Duration keep;

    TimelineRetention(JdbcClient jdbc, @Value("${vendpay.retention.order-events:400d}") Duration keep) {
        this.jdbc = jdbc;
        this.keep = keep;
    }

    @Scheduled(fixedDelayString = "${vendpay.retention.every:10m}", initialDelayString = "${vendpay.retention.first-after:5m}")
    void purge() {
        Retention.purge("order_event", keep,
                after -> jdbc.sql("SELECT id, occurred_at FROM order_event WHERE id > ? ORDER BY id LIMIT ?")
                        .params(after == null ? 0L : after, Retention.BATCH)
                        .query((rs, i) -> new Retention.Row(rs.getLong(1), rs.getLong(2), true)).list(),
                ids -> jdbc.sql("DELETE FROM order_event WHERE id IN (" + Retention.marks(ids.size()) + ")")
                        .params(List.copyOf(ids)).update());
    }
}
