package io.vendpay.ordering.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.ordering.OrderStatus;
import io.vendpay.payment.PaymentChannel;
import io.vendpay.shared.BatchWriter;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The orders table and the one way to change an order's status: {@link #move}, a conditional
 * update that names the status the caller saw, plus the timeline entry, in the caller's transaction.
 * A {@code false} answer means another event moved the order first; the caller re-reads and decides again.
 */
@Repository
class Orders {

    private static final Logger log = LoggerFactory.getLogger("vendpay.orders");
    private static final String COLUMNS = """
            order_no, device_id, client_order_id, slot, product_id, product_name, amount_fen, channel, status, flags,
            qr_code, channel_txn_id, paid_amount_fen, created_at, expires_at, paid_at, settled_at, updated_at, due_at, queries""";

    private final JdbcClient jdbc;
    private final OrderTimeline timeline;
    private final MeterRegistry meters;

    private final BatchWriter<QrCode> qrCodes;

    Orders(JdbcClient jdbc, OrderTimeline timeline, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.meters = meters;
        // no transaction: one UPDATE per batch, which commits itself
        this.qrCodes = new BatchWriter<>("order-qr", 2_000, 100, null, java.util.Comparator.comparing(QrCode::orderNo),
                this::writeQrCodes, meters);
    }

    /** What the channel reported paid, recorded on the order by PAY, LATE_PAYMENT and AMOUNT_MISMATCH. */
    record Payment(String channelTxnId, long amountFen, long paidAt) {
    }

    void insert(Order o) {
        jdbc.sql("INSERT INTO orders (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(o.orderNo(), o.deviceId(), o.clientOrderId(), o.slot(), o.productId(), o.productName(),
                        o.amountFen(), o.channel().name(), o.status().name(), o.flags(), o.qrCode(), o.channelTxnId(),
                        o.paidAmountFen(), o.createdAt(), o.expiresAt(), o.paidAt(), o.settledAt(), o.updatedAt(),
                        o.dueAt(), o.queries())
                .update();
        timeline.append(o.orderNo(), o.createdAt(), "CREATED", null, OrderStatus.CREATED,
                "device=" + o.deviceId() + " slot=" + o.slot() + " amount_fen=" + o.amountFen() + " channel=" + o.channel());
        count(OrderStatus.CREATED);
    }

    Optional<Order> find(String orderNo) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE order_no = ?").param(orderNo).query(Orders::map).optional();
    }

    Optional<Order> findByClient(String deviceId, String clientOrderId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE device_id = ? AND client_order_id = ?")
                .params(deviceId, clientOrderId).query(Orders::map).optional();
    }

    /**
     * Records the channel's QR code on the order; returns after the commit. The orders being created at once
     * share the write: one writer sets the codes that queued as one UPDATE, one statement and one commit per batch.
     */
    void setQrCode(String orderNo, String qrCode, long now) {
        qrCodes.write(new QrCode(orderNo, qrCode, now), java.time.Duration.ofSeconds(10), "QR code of " + orderNo);
    }

    private record QrCode(String orderNo, String content, long at) {
    }

    private void writeQrCodes(List<QrCode> batch) {
        if (batch.size() == 1) {
            QrCode q = batch.get(0);
            jdbc.sql("UPDATE orders SET qr_code = ?, updated_at = ? WHERE order_no = ? AND qr_code IS NULL")
                    .params(q.content(), q.at(), q.orderNo()).update();
            return;
        }
        var sql = new StringBuilder("UPDATE orders SET qr_code = CASE order_no");
        var args = new ArrayList<Object>(batch.size() * 3 + 1);
        for (QrCode q : batch) {
            sql.append(" WHEN ? THEN ?");
            args.add(q.orderNo());
            args.add(q.content());
        }
        sql.append(" END, updated_at = ? WHERE qr_code IS NULL AND order_no IN (");
        args.add(batch.get(batch.size() - 1).at());
        for (int i = 0; i < batch.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
            args.add(batch.get(i).orderNo());
        }
        jdbc.sql(sql.append(")").toString()).params(args).update();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        qrCodes.stop(5_000);
    }

    /**
     * Moves {@code current} by {@code t} if it is still in the status the caller read.
     *
     * @param payment recorded on the order when not null
     * @param flag    appended to the order's flags when not null (e.g. AMOUNT_MISMATCH)
     * @return whether this caller made the move
     */
    boolean move(Order current, OrderTransition t, long now, Payment payment, String flag, String detail) {
        return move(current.orderNo(), current.status(), t, now, payment, flag, detail);
    }

    /**
     * The same move for a caller that knows the status the order must be in and needs nothing else of it:
     * no read first (the conditional update is the check).
     */
    boolean move(String orderNo, OrderStatus from, OrderTransition t, long now, Payment payment, String flag, String detail) {
        if (!t.allowedFrom(from)) {
            return false;
        }
        var sql = new StringBuilder("UPDATE orders SET status = ?, updated_at = ?");
        List<Object> args = new ArrayList<>(List.of(t.to.name(), now));
        if (payment != null) {
            sql.append(", channel_txn_id = ?, paid_amount_fen = ?, paid_at = ?");
            args.addAll(List.of(payment.channelTxnId(), payment.amountFen(), payment.paidAt()));
        }
        if (flag != null) {
            sql.append(", flags = CASE WHEN flags IS NULL THEN ? ELSE CONCAT(flags, ',', ?) END");
            args.add(flag);
            args.add(flag);
        }
        if (t.to.isFinal()) {
            sql.append(", settled_at = ?");
            args.add(now);
        }
        sql.append(" WHERE order_no = ? AND status = ?");
        args.add(orderNo);
        args.add(from.name());
        if (jdbc.sql(sql.toString()).params(args).update() != 1) {
            return false;
        }
        timeline.append(orderNo, now, t.name(), from, t.to, detail);
        count(t.to);
        if (log.isDebugEnabled()) {
            log.debug("event=order.{} order_no={} from={} to={} {}", t.name().toLowerCase(), orderNo, from, t.to,
                    detail == null ? "" : detail);
        }
        return true;
    }

    /** Unpaid orders whose timer is due (a payment query or the expiry), through the (status, due_at) index. */
    List<Order> dueUnpaid(long now, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE status = 'CREATED' AND due_at <= ? ORDER BY due_at LIMIT ?")
                .params(now, limit).query(Orders::map).list();
    }

    /** Moves a due timer forward if it still reads as this node saw it: the claim that keeps other nodes off. */
    boolean claimDue(Order o, long until) {
        return jdbc.sql("UPDATE orders SET due_at = ? WHERE order_no = ? AND status = 'CREATED' AND due_at = ?")
                .params(until, o.orderNo(), o.dueAt()).update() == 1;
    }

    void scheduleNext(String orderNo, long dueAt, int queries) {
        jdbc.sql("UPDATE orders SET due_at = ?, queries = ? WHERE order_no = ? AND status = 'CREATED'")
                .params(dueAt, queries, orderNo).update();
    }

    List<Order> list(OrderStatus status, String deviceId, int limit) {
        var sql = new StringBuilder("SELECT " + COLUMNS + " FROM orders WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.name());
        }
        if (deviceId != null) {
            sql.append(" AND device_id = ?");
            args.add(deviceId);
        }
        sql.append(" ORDER BY created_at DESC, order_no DESC LIMIT ?");
        args.add(limit);
        return jdbc.sql(sql.toString()).params(args).query(Orders::map).list();
    }

    /** One counter per status, registered once: a registry lookup per move was a measurable share of its CPU. */
    private final java.util.Map<OrderStatus, Counter> transitions = new java.util.concurrent.ConcurrentHashMap<>();

    private void count(OrderStatus to) {
        transitions.computeIfAbsent(to, s -> Counter.builder("vendpay_order_transitions").tag("to", s.name())
                .description("Order status changes").register(meters)).increment();
    }

    private static Order map(ResultSet rs, int row) throws SQLException {
        return new Order(rs.getString("order_no"), rs.getString("device_id"), rs.getString("client_order_id"),
                rs.getString("slot"), rs.getString("product_id"), rs.getString("product_name"), rs.getLong("amount_fen"),
                PaymentChannel.valueOf(rs.getString("channel")), OrderStatus.valueOf(rs.getString("status")),
                rs.getString("flags"), rs.getString("qr_code"), rs.getString("channel_txn_id"),
                rs.getObject("paid_amount_fen", Long.class), rs.getLong("created_at"), rs.getLong("expires_at"),
                rs.getObject("paid_at", Long.class), rs.getObject("settled_at", Long.class), rs.getLong("updated_at"),
                rs.getObject("due_at", Long.class), rs.getInt("queries"));
    }
}
