package io.vendpay.sandbox.internal.bills;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

import io.vendpay.shared.BulkLoad;
import io.vendpay.shared.ChinaTime;

/**
 * A synthetic business day of any size: the channel's bill with exactly {@code rows} detail lines, and
 * the matching orders and refunds written into vendpay's store, with {@code plant} discrepancies of
 * each kind planted at evenly spread places. Everything is a function of the sequence number, so the
 * day is generated twice without being held: once for the orders (and the bill, on the way), once
 * for the refunds. Memory is constant whatever the size.
 * <p>
 * For a bench or test database: it writes orders directly, as the platform would have left them.
 */
public final class SyntheticDay {

    /** The kinds, named as reconciliation names them, in planting order. */
    public static final List<String> KINDS = List.of("PAID_NOT_RECORDED", "RECORDED_NOT_IN_BILL", "AMOUNT_MISMATCH",
            "REFUND_NOT_RECORDED", "REFUND_NOT_IN_BILL");
    private static final int NORMAL = -1;
    private static final int MATCHED_REFUND = -2;
    /** Bill lines each planted kind contributes, in {@link #KINDS} order. */
    private static final int[] PLANTED_LINES = {1, 0, 1, 2, 1};
    private static final long SPAN_MS = 86_000_000L; // refund lines 1 s after their payment still fall on the day
    private static final List<String> ORDER_COLUMNS = List.of("order_no", "device_id", "client_order_id", "slot", "product_id",
            "product_name", "amount_fen", "channel", "status", "channel_txn_id", "paid_amount_fen", "created_at", "expires_at",
            "paid_at", "settled_at", "updated_at");
    private static final List<String> REFUND_COLUMNS = List.of("out_refund_no", "order_no", "channel", "channel_txn_id", "total_fen",
            "refund_fen", "reason", "status", "channel_refund_id", "attempts", "created_at", "updated_at", "settled_at");

    private final String channel;
    private final LocalDate date;
    private final long rows;
    private final int plant;
    private final String prefix;
    private final String ymd;
    private final long dayStart;

    public SyntheticDay(String channel, LocalDate date, long rows, int plant) {
        if (!channel.equals("WECHAT") && !channel.equals("ALIPAY")) {
            throw new IllegalArgumentException("--channel must be WECHAT or ALIPAY");
        }
        if (rows < 1 || plant < 0 || 5L * plant > rows) {
            throw new IllegalArgumentException("--rows must be at least 1 and at least 5 x --plant (" + 5L * plant + ")");
        }
        this.channel = channel;
        this.date = date;
        this.rows = rows;
        this.plant = plant;
        this.ymd = date.toString().replace("-", "");
        this.prefix = "S" + ymd + channel.charAt(0);
        this.dayStart = ChinaTime.startOfDay(date);
    }

    /** One order of the day, as the sequence makes it. */
    private final class Cursor {
        long seq;
        long billLines;
        long normalLines;
        int planted;
        int category;
        long at;
        final long plantEvery = Math.max(1, rows / (5L * plant + 1));
        final long normalTotal = rows - 5L * plant;

        boolean next() {
            if (planted == 5 * plant && normalLines == normalTotal) {
                return false;
            }
            seq++;
            at = dayStart + billLines * SPAN_MS / rows;
            boolean plantNow = planted < 5 * plant && (billLines >= (planted + 1) * plantEvery || normalLines == normalTotal);
            if (plantNow) {
                category = planted % 5;
                billLines += PLANTED_LINES[category];
                planted++;
            } else if (seq % 50 == 0 && normalTotal - normalLines >= 2) {
                category = MATCHED_REFUND;
                billLines += 2;
                normalLines += 2;
            } else {
                category = NORMAL;
                billLines++;
                normalLines++;
            }
            return true;
        }

        String orderNo() {
            return padded(prefix, seq, 11);
        }

        String txn() {
            return channel.equals("WECHAT") ? padded("42" + ymd, seq, 18) : padded(ymd + "2200140", seq, 13);
        }

        long amount() {
            return 100 + (seq * 37) % 1900;
        }
    }

    /** Writes the orders and the bill; returns the JSON-ready summary. */
    public Map<String, Object> write(DataSource store, Path bill, String merchant, LongConsumer progress) throws IOException, SQLException {
        long t0 = System.nanoTime();
        long orders = 0;
        long refunds = 0;
        try (Connection c = store.getConnection()) {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM orders WHERE order_no >= ? AND order_no < ?")) {
                ps.setString(1, prefix);
                ps.setString(2, prefix + "~");
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw new IllegalStateException("this store already holds a synthetic " + channel + " day " + date
                                + ": use a fresh database, or another date");
                    }
                }
            }
            c.setAutoCommit(false);
            BulkLoad.Path path = BulkLoad.pathFor(c, false);
            if (path == BulkLoad.Path.LOAD_DATA) {
                // the day's order numbers were just checked free, and they are unique by construction: skipping
                // InnoDB's unique checks lets the secondary unique key be buffered like any other index
                try (var s = c.createStatement()) {
                    s.execute("SET SESSION unique_checks = 0");
                }
            }
            try (BillWriter w = BillWriter.open(channel, date, bill, merchant)) {
                var cur = new Cursor();
                boolean[] more = {true};
                while (more[0]) {
                    long[] chunk = {0};
                    orders += BulkLoad.load(c, path, "orders", ORDER_COLUMNS, row -> {
                        if (chunk[0] == 1_000_000) {
                            return false;
                        }
                        if (!cur.next()) {
                            more[0] = false;
                            return false;
                        }
                        chunk[0]++;
                        order(cur, row, w);
                        if ((cur.seq & 0xffff) == 0) {
                            progress.accept(cur.billLines);
                        }
                        return true;
                    });
                    c.commit();
                }
            }
            var cur = new Cursor();
            boolean[] more = {true};
            while (more[0]) {
                long[] chunk = {0};
                refunds += BulkLoad.load(c, path, "refund", REFUND_COLUMNS, row -> {
                    while (true) {
                        if (chunk[0] == 1_000_000) {
                            return false;
                        }
                        if (!cur.next()) {
                            more[0] = false;
                            return false;
                        }
                        if (cur.category == MATCHED_REFUND || cur.category == 4) {
                            chunk[0]++;
                            refund(cur, row);
                            return true;
                        }
                    }
                });
                c.commit();
            }
            if (path == BulkLoad.Path.LOAD_DATA) {
                try (var s = c.createStatement()) {
                    s.execute("SET SESSION unique_checks = 1"); // the connection goes back to a pool
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        var m = new LinkedHashMap<String, Object>();
        m.put("channel", channel);
        m.put("date", date.toString());
        m.put("rows", rows);
        m.put("orders", orders);
        m.put("refunds", refunds);
        m.put("file", bill.toString());
        m.put("bytes", Files.size(bill));
        m.put("seconds", Math.round(seconds * 100) / 100.0);
        m.put("rows_per_s", Math.round(rows / Math.max(seconds, 1e-3)));
        var planted = new LinkedHashMap<String, Integer>();
        KINDS.forEach(k -> planted.put(k, plant));
        m.put("planted", planted);
        return m;
    }

    private void order(Cursor cur, BulkLoad.Row row, BillWriter bill) throws IOException {
        String orderNo = cur.orderNo();
        String txn = cur.txn();
        long amount = cur.amount();
        long at = cur.at;
        int k = cur.category;
        boolean paidLocally = k != 0;
        String status = k == MATCHED_REFUND || k == 4 ? "REFUNDED" : paidLocally ? "DISPENSED" : "CLOSED";
        long createdAt = paidLocally ? at - 30_000 : at - 200_000;
        long settledAt = paidLocally ? at + 2_000 : createdAt + 120_000;
        row.text(orderNo).text("synth-" + (cur.seq % 100)).text(orderNo).text("A1").text("synthetic").text("Synthetic cola")
                .number(amount).text(channel).text(status);
        if (paidLocally) {
            row.text(txn).number(amount).number(createdAt).number(createdAt + 120_000).number(at);
        } else {
            row.nothing().nothing().number(createdAt).number(createdAt + 120_000).nothing();
        }
        row.number(settledAt).number(settledAt);
        try {
            switch (k) {
                case NORMAL, 4 -> bill.payment(at, txn, orderNo, amount, "Synthetic cola");
                case MATCHED_REFUND, 3 -> {
                    bill.payment(at, txn, orderNo, amount, "Synthetic cola");
                    bill.refund(at + 1000, txn, orderNo, amount, refundId(cur), "R" + orderNo, amount, "SUCCESS", "Synthetic cola");
                }
                case 0 -> bill.payment(at, txn, orderNo, amount, "Synthetic cola");
                case 2 -> bill.payment(at, txn, orderNo, amount + 1, "Synthetic cola");
                default -> { } // 1: paid locally, absent from the bill
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void refund(Cursor cur, BulkLoad.Row row) {
        String orderNo = cur.orderNo();
        long amount = cur.amount();
        long at = cur.at + 1000;
        row.text("R" + orderNo).text(orderNo).text(channel).text(cur.txn()).number(amount).number(amount).text("DISPENSE_FAILED")
                .text("SUCCEEDED").text(refundId(cur)).number(1).number(at).number(at + 2000).number(at + 2000);
    }

    private String refundId(Cursor cur) {
        return padded("50" + ymd, cur.seq, 18);
    }

    /** {@code prefix} and {@code n} zero-padded to {@code width} digits (String.format costs a microsecond a call). */
    static String padded(String prefix, long n, int width) {
        char[] c = new char[prefix.length() + width];
        prefix.getChars(0, prefix.length(), c, 0);
        for (int i = c.length - 1; i >= prefix.length(); i--) {
            c[i] = (char) ('0' + n % 10);
            n /= 10;
        }
        return new String(c);
    }
}
