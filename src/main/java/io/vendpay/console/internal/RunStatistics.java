package io.vendpay.console.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.vendpay.shared.LongStatements;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Latencies and throughput of the orders created in a window, computed from the store's own
 * timestamps (so they include every queue and retry on the way). "Pay" is the moment vendpay first
 * held the payment (the first stored notification, query or bill line for it, in ms; the channel's
 * own success time has only whole seconds). Payments found by query, whose notification was lost,
 * are reported apart: their delay is the query timer's, not the platform's.
 */
@Component
class RunStatistics {

    private final JdbcClient jdbc;
    private final PlatformTransactionManager tx;
    private final DataSource dataSource;

    RunStatistics(JdbcClient jdbc, PlatformTransactionManager tx, DataSource dataSource) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.dataSource = dataSource;
    }

    Map<String, Object> of(long from, long to) {
        // over a long window these run for longer than the server's socket timeout, on purpose
        return LongStatements.readOnly(tx, dataSource, () -> compute(from, to));
    }

    private Map<String, Object> compute(long from, long to) {
        var r = new LinkedHashMap<String, Object>();
        var byStatus = new TreeMap<String, Long>();
        jdbc.sql("SELECT status, COUNT(*) FROM orders WHERE created_at BETWEEN ? AND ? GROUP BY status").params(from, to)
                .query((rs, i) -> byStatus.put(rs.getString(1), rs.getLong(2))).list();
        r.put("orders_by_status", byStatus);
        r.put("pay_to_dispense_cmd_ms", latency("c.first_sent_at", "'NOTIFY'", from, to));
        r.put("pay_to_settled_ms", latency("o.settled_at", "'NOTIFY'", from, to));
        r.put("query_recovered_pay_to_dispense_cmd_ms", latency("c.first_sent_at", "'QUERY', 'BILL'", from, to));
        var perSecond = new TreeMap<Long, Long>();
        jdbc.sql("""
                SELECT FLOOR(settled_at / 1000), COUNT(*) FROM orders
                WHERE created_at BETWEEN ? AND ? AND settled_at IS NOT NULL GROUP BY FLOOR(settled_at / 1000)""")
                .params(from, to).query((rs, i) -> perSecond.put(rs.getLong(1), rs.getLong(2))).list();
        r.put("settled_per_second", perSecond);
        return r;
    }

    private Map<String, Long> latency(String until, String sources, long from, long to) {
        return percentiles(jdbc.sql("""
                SELECT %s - n.received_at FROM orders o
                JOIN payment_notification n ON n.out_trade_no = o.order_no AND n.event_type = 'TRANSACTION.SUCCESS'
                    AND n.transaction_id = o.channel_txn_id
                LEFT JOIN dispense_command c ON c.order_no = o.order_no
                WHERE o.created_at BETWEEN ? AND ? AND n.source IN (%s) AND %s IS NOT NULL""".formatted(until, sources, until))
                .params(from, to).query(Long.class).list().stream().mapToLong(Long::longValue).toArray());
    }

    static Map<String, Long> percentiles(long[] values) {
        var m = new LinkedHashMap<String, Long>();
        m.put("count", (long) values.length);
        if (values.length == 0) {
            return m;
        }
        Arrays.sort(values);
        m.put("p50", at(values, 0.50));
        m.put("p90", at(values, 0.90));
        m.put("p99", at(values, 0.99));
        m.put("p999", at(values, 0.999));
        m.put("max", values[values.length - 1]);
        return m;
    }

    private static long at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
