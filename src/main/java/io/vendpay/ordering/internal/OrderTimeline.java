package io.vendpay.ordering.internal;

import java.util.List;

import io.vendpay.ordering.OrderStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The order's story: appended in the transaction of each transition, read by the operator API. */
@Repository
class OrderTimeline {

    private final JdbcClient jdbc;

    OrderTimeline(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Entry(long occurredAt, String type, String fromStatus, String toStatus, String detail) {
    }

    void append(String orderNo, long at, String type, OrderStatus from, OrderStatus to, String detail) {
        jdbc.sql("INSERT INTO order_event (order_no, occurred_at, type, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, ?)")
                .params(orderNo, at, type, from == null ? null : from.name(), to == null ? null : to.name(),
                        detail == null ? null : detail.length() > 512 ? detail.substring(0, 512) : detail)
                .update();
    }

    /** Something worth knowing that did not move the order (a duplicate payment, a refund the channel closed). */
    void note(String orderNo, long at, String type, String detail) {
        append(orderNo, at, type, null, null, detail);
    }

    List<Entry> of(String orderNo) {
        return jdbc.sql("SELECT occurred_at, type, from_status, to_status, detail FROM order_event WHERE order_no = ? ORDER BY id")
                .param(orderNo)
                .query((rs, i) -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list();
    }
}
