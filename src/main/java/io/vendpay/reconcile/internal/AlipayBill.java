package io.vendpay.reconcile.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alipay trade bill, 业务明细 (payment-protocols.md section 3.6), GBK: {@code #} comment lines (with
 * the period, checked against the bill date), a 25-column header, detail lines whose id columns end
 * in a tab, the end marker, then {@code #交易合计：N笔，商家实收共X元} and {@code #退款合计：...}.
 * 业务类型 交易 is a payment, 退款 a refund (negative amounts, the refund's out_request_no in
 * 退款批次号/请求号). Checked: 交易合计 count and 商家实收 against the payments, 退款合计 against the refunds.
 */
final class AlipayBill extends BillLayout {

    static final Charset GBK = Charset.forName("GBK");
    private static final byte[] TRADE = "交易".getBytes(GBK);
    private static final byte[] REFUND = "退款".getBytes(GBK);
    private static final Pattern PERIOD = Pattern.compile("起始日期：\\[(\\d{4})年(\\d{2})月(\\d{2})日");
    private static final Pattern TOTAL = Pattern.compile("^#(交易|退款)合计：(\\d+)笔，商家实收共(-?[0-9.]+)元");

    private int type;
    private int total;
    private int received;
    private int outRefundNo;
    private boolean finished;

    AlipayBill(BillInput in, LocalDate date) {
        super(in, date);
    }

    @Override
    void head() throws IOException {
        do {
            String line = new String(in.buf(), in.start, in.end - in.start, GBK);
            if (!line.startsWith("#")) {
                List<String> names = Arrays.stream(line.split(",", -1)).map(String::trim).toList();
                String l = "Alipay bill";
                shared = new SharedColumns(names.size(), column(names, "完成时间", in.lineNo(), l), "完成时间",
                        column(names, "服务费（元）", in.lineNo(), l), "服务费（元）",
                        column(names, "支付宝交易号", in.lineNo(), l), "支付宝交易号",
                        column(names, "商户订单号", in.lineNo(), l));
                type = column(names, "业务类型", in.lineNo(), l);
                total = column(names, "订单金额（元）", in.lineNo(), l);
                received = column(names, "商家实收（元）", in.lineNo(), l);
                outRefundNo = column(names, "退款批次号/请求号", in.lineNo(), l);
                return;
            }
            Matcher m = PERIOD.matcher(line);
            if (m.find()) {
                var from = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
                if (!from.equals(date)) {
                    throw BillException.at(in.lineNo(), "the bill covers " + from + ", not the bill date " + date
                            + ": a bill of another day, or the wrong --date");
                }
            }
        } while (in.next());
        throw BillException.at(in.lineNo(), "the file ends before the Alipay bill's header: it is truncated");
    }

    @Override
    boolean next(BillLine out) throws IOException {
        if (finished) {
            return false;
        }
        while (in.next()) {
            if (in.start == in.end) {
                continue;
            }
            if (in.buf()[in.start] == '#') {
                summary();
                return false;
            }
            split((byte) ',');
            readShared(out);
            long amount = fen(total, "订单金额（元）");
            long settled = fen(received, "商家实收（元）");
            if (fieldIs(type, TRADE)) {
                return payment(out, amount, settled);
            }
            if (fieldIs(type, REFUND)) {
                if (amount > 0) {
                    throw BillException.at(in.lineNo(), "a refund with a positive 订单金额（元） " + amount / 100.0);
                }
                totals.refundCount++;
                totals.refundFen += -settled;
                totals.refundAskedFen += -amount;
                out.kind = BillLine.REFUND;
                out.tradeKey = id(outRefundNo, "退款批次号/请求号", true);
                out.refundId = "";
                out.amountFen = -amount;
                out.state = "SUCCESS";
                return true;
            }
            totals.otherCount++;
        }
        throw BillException.at(in.lineNo(), "the file ends without the end of the detail list and its totals: it is truncated");
    }

    private void summary() throws IOException {
        long end = in.lineNo();
        String marker = new String(in.buf(), in.start, in.end - in.start, GBK);
        if (!marker.contains("业务明细列表结束")) {
            throw BillException.at(end, "expected a detail line or the end of the detail list (#---业务明细列表结束---)");
        }
        boolean trades = false;
        while (in.next()) {
            String line = new String(in.buf(), in.start, in.end - in.start, GBK);
            Matcher m = TOTAL.matcher(line);
            if (!m.find()) {
                continue;
            }
            long count = Long.parseLong(m.group(2));
            long fen;
            try {
                fen = Amounts.parse(m.group(3).getBytes(GBK), 0, m.group(3).length(), 2);
            } catch (NumberFormatException e) {
                throw BillException.at(in.lineNo(), e.getMessage());
            }
            if (m.group(1).equals("交易")) {
                trades = true;
                check("交易合计 笔数", count, totals.payCount, in.lineNo(), 0);
                check("交易合计 商家实收", fen, totals.settleFen, in.lineNo(), 2);
            } else {
                check("退款合计 笔数", count, totals.refundCount, in.lineNo(), 0);
                check("退款合计 商家实收", fen, -totals.refundFen, in.lineNo(), 2);
            }
        }
        if (!trades) {
            throw BillException.at(in.lineNo(), "the file ends without its #交易合计 line: it is truncated");
        }
        finished = true;
    }
}
