package io.vendpay.ordering.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.ordering.OrderStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code vendpay_orders_open{status}}: orders not final yet, by status, refreshed every few seconds.
 * Only the open statuses are counted, through the (status, created_at) index, so the cost follows
 * the work in flight, not the size of the history; finished orders are counted by
 * {@code vendpay_order_transitions_total{to}}.
 */
@Component
class OpenOrdersGauge {

    private static final List<OrderStatus> OPEN = List.of(OrderStatus.CREATED, OrderStatus.PAID, OrderStatus.DISPENSING,
            OrderStatus.DISPENSE_UNKNOWN, OrderStatus.REFUNDING);

    private final JdbcClient jdbc;
    private final Map<OrderStatus, AtomicLong> counts = new ConcurrentHashMap<>();

    OpenOrdersGauge(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (OrderStatus s : OPEN) {
            AtomicLong n = new AtomicLong();
            counts.put(s, n);
            Gauge.builder("vendpay_orders_open", n, AtomicLong::get).tag("status", s.name())
                    .description("Orders in a status that is not final").register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${vendpay.ordering.open-orders-refresh:5s}", initialDelayString = "2s")
    void refresh() {
        for (OrderStatus s : OPEN) {
            counts.get(s).set(jdbc.sql("SELECT COUNT(*) FROM orders WHERE status = ?").param(s.name()).query(Long.class).single());
        }
    }
}
