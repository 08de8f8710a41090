package io.vendpay.reconcile.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.shared.ChinaTime;

/**
 * A channel's bill layout: reads the head (column names by header, never by position, since
 * layouts differ between merchants), then yields landable lines, then checks the summary section
 * against the totals of what it read. Anything malformed is a {@link BillException} naming the line.
 */
abstract class BillLayout {

    final BillInput in;
    final LocalDate date;
    final BillTotals totals = new BillTotals();
    private final byte[] dateBytes;
    private final long dayStart;
    // field ranges of the current line
    int[] fs = new int[64];
    int[] fe = new int[64];
    int fields;
    /** Set by {@link #head()}: where the columns every layout has are. */
    SharedColumns shared;

    /** The columns every bill layout has, by index in its header, with the names errors give them. */
    record SharedColumns(int count, int time, String timeName, int fee, String feeName, int txn, String txnName,
                         int outTradeNo) {
    }

    BillLayout(BillInput in, LocalDate date) {
        this.in = in;
        this.date = date;
        this.dateBytes = date.toString().getBytes(StandardCharsets.US_ASCII);
        this.dayStart = ChinaTime.startOfDay(date);
    }

    /** Opens {@code in} as a bill of {@code channel}: reads its head, or says which channel's bill it really is. */
    static BillLayout open(BillInput in, PaymentChannel channel, LocalDate date) throws IOException {
        if (!in.next()) {
            throw BillException.at(1, "the file is empty");
        }
        byte[] b = in.buf();
        int s = in.start;
        if (in.end - s >= 3 && (b[s] & 0xff) == 0xEF && (b[s + 1] & 0xff) == 0xBB && (b[s + 2] & 0xff) == 0xBF) {
            in.start = s += 3; // UTF-8 byte order mark
        }
        boolean alipay = s < in.end && b[s] == '#';
        if (alipay && channel != PaymentChannel.ALIPAY) {
            throw BillException.at(1, "this is an Alipay bill (it starts with '#'), not a " + channel + " bill: check --channel");
        }
        if (!alipay && channel == PaymentChannel.ALIPAY) {
            throw BillException.at(1, "this is not an Alipay bill (an Alipay bill starts with '#支付宝业务明细查询'): check --channel");
        }
        BillLayout layout = alipay ? new AlipayBill(in, date) : new WechatBill(in, date);
        layout.head();
        return layout;
    }

    /** Reads the head; the first line is the current one. */
    abstract void head() throws IOException;

    /** The next landable line into {@code out}; {@code false} at the end, after the summary was checked. */
    abstract boolean next(BillLine out) throws IOException;

    /** Resumes after a checkpoint: the head is read, these totals and this position were committed. */
    void resume(BillTotals saved, long offset, long line) throws IOException {
        totals.rows = saved.rows;
        totals.payCount = saved.payCount;
        totals.payFen = saved.payFen;
        totals.settleFen = saved.settleFen;
        totals.refundCount = saved.refundCount;
        totals.refundFen = saved.refundFen;
        totals.refundAskedFen = saved.refundAskedFen;
        totals.feeMfen = saved.feeMfen;
        totals.otherCount = saved.otherCount;
        in.skipTo(offset, line);
    }

    // ------------------------------------------------------------------ helpers for the layouts

    /** Splits the current line at {@code sep} (one byte), trimming blanks and tabs (Excel guards) around each field. */
    void split(byte sep) {
        byte[] b = in.buf();
        fields = 0;
        int s = in.start;
        int e = in.end;
        int f = s;
        for (int i = s; i <= e; i++) {
            if (i == e || b[i] == sep) {
                if (i < e && b[f] == '"' && !closedQuote(b, f, i)) {
                    continue; // a comma inside a quoted value
                }
                add(f, i);
                f = i + 1;
            }
        }
    }

    private static boolean closedQuote(byte[] b, int f, int i) {
        int quotes = 0;
        for (int k = f; k < i; k++) {
            if (b[k] == '"') {
                quotes++;
            }
        }
        return quotes % 2 == 0;
    }

    /**
     * The part of a split detail line that every layout has: as many values as the header has
     * columns, the time (on the bill's day), the fee (counted in the totals), the channel's
     * transaction id and vendpay's order number. Counts the line.
     */
    void readShared(BillLine out) {
        if (fields != shared.count()) {
            throw BillException.at(in.lineNo(), fields + " values, but the header has " + shared.count() + " columns");
        }
        long at = time(shared.time(), shared.timeName());
        totals.rows++;
        long feeMfen = amount(shared.fee(), shared.feeName(), 5);
        totals.feeMfen += feeMfen;
        out.lineNo = in.lineNo();
        out.tradedAt = at;
        out.feeMfen = feeMfen;
        out.transactionId = id(shared.txn(), shared.txnName(), true);
        out.outTradeNo = id(shared.outTradeNo(), "商户订单号", true);
    }

    /** A payment line: counted in the totals and written out keyed by its order number. */
    boolean payment(BillLine out, long amountFen, long settledFen) {
        totals.payCount++;
        totals.payFen += amountFen;
        totals.settleFen += settledFen;
        out.kind = BillLine.PAYMENT;
        out.tradeKey = out.outTradeNo;
        out.refundId = "";
        out.amountFen = amountFen;
        out.state = "SUCCESS";
        return true;
    }

    void add(int s, int e) {
        byte[] b = in.buf();
        while (s < e && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
        }
        if (s < e - 1 && b[s] == '"' && b[e - 1] == '"') {
            s++;
            e--;
        }
        if (fields == fs.length) {
            fs = Arrays.copyOf(fs, fields * 2);
            fe = Arrays.copyOf(fe, fields * 2);
        }
        fs[fields] = s;
        fe[fields] = e;
        fields++;
    }

    String text(int field, Charset cs) {
        return new String(in.buf(), fs[field], fe[field] - fs[field], cs);
    }

    /** An id: printable ASCII, at most 64 characters (what the store and the diff can key on). */
    String id(int field, String name, boolean required) {
        int s = fs[field];
        int e = fe[field];
        byte[] b = in.buf();
        if (e - s > 64) {
            throw BillException.at(in.lineNo(), name + " is longer than 64 characters");
        }
        if (required && s == e) {
            throw BillException.at(in.lineNo(), name + " is empty");
        }
        for (int i = s; i < e; i++) {
            if (b[i] <= 0x20 || b[i] >= 0x7f || b[i] == '\\') {
                throw BillException.at(in.lineNo(), name + " '" + Amounts.text(b, s, e) + "' is not a channel id");
            }
        }
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }

    long fen(int field, String name) {
        return amount(field, name, 2);
    }

    long amount(int field, String name, int scale) {
        try {
            return Amounts.parse(in.buf(), fs[field], fe[field], scale);
        } catch (NumberFormatException e) {
            throw BillException.at(in.lineNo(), name + ": " + e.getMessage());
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss} in Beijing time, which must fall on the bill's date. */
    long time(int field, String name) {
        byte[] b = in.buf();
        int s = fs[field];
        if (fe[field] - s != 19 || b[s + 10] != ' ' || b[s + 13] != ':' || b[s + 16] != ':') {
            throw BillException.at(in.lineNo(), name + " '" + Amounts.text(b, s, fe[field]) + "' is not yyyy-MM-dd HH:mm:ss");
        }
        if (!Arrays.equals(b, s, s + 10, dateBytes, 0, 10)) {
            throw BillException.at(in.lineNo(), name + " " + Amounts.text(b, s, s + 19) + " is not on the bill date "
                    + date + ": a bill of another day, or the wrong --date");
        }
        int h = two(b, s + 11, name);
        int m = two(b, s + 14, name);
        int sec = two(b, s + 17, name);
        if (h > 23 || m > 59 || sec > 59) {
            throw BillException.at(in.lineNo(), name + " " + Amounts.text(b, s, s + 19) + " is not a time of day");
        }
        return dayStart + ((h * 60L + m) * 60 + sec) * 1000;
    }

    private int two(byte[] b, int i, String name) {
        int d1 = b[i] - '0';
        int d2 = b[i + 1] - '0';
        if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
            throw BillException.at(in.lineNo(), name + " is not yyyy-MM-dd HH:mm:ss");
        }
        return d1 * 10 + d2;
    }

    boolean fieldIs(int field, byte[] value) {
        return Arrays.equals(in.buf(), fs[field], fe[field], value, 0, value.length);
    }

    static int column(List<String> header, String name, long line, String layout) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw BillException.at(line, layout + " header has no column " + name + " (columns: " + header + ")");
        }
        return i;
    }

    /** Compares a summary figure with what the lines add up to. */
    static void check(String what, long declared, long counted, long line, int scale) {
        if (declared != counted) {
            throw BillException.at(line, "the summary says " + what + " = " + show(declared, scale) + " but the lines add up to "
                    + show(counted, scale) + ": the file is incomplete or altered; nothing of it was kept");
        }
    }

    private static String show(long v, int scale) {
        return scale == 0 ? Long.toString(v) : java.math.BigDecimal.valueOf(v, scale).toPlainString();
    }
}
