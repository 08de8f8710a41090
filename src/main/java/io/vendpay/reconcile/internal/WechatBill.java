package io.vendpay.reconcile.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * WeChat Pay trade bill, type ALL (payment-protocols.md section 2.2), UTF-8: a header of plain column
 * names, detail lines whose every value starts with a backtick, then a summary header and one summary
 * line. Split on {@code ,`} rather than on commas, so a comma inside a product name cannot shift the
 * columns. The 24-column layout of older merchants (总金额 for 订单金额, no 申请退款金额) reads too.
 * <p>
 * Payments are lines whose 交易状态 is SUCCESS, refunds those with REFUND; others (REVOKED) are
 * counted and not landed. Summary checked: 总交易单数 (all detail lines), 应结订单总金额 and 订单总金额
 * (payments), 退款总金额 and 申请退款总金额 (refunds), 手续费总金额 (all lines).
 */
final class WechatBill extends BillLayout {

    private static final byte[] SUCCESS = "SUCCESS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REFUND = "REFUND".getBytes(StandardCharsets.US_ASCII);

    private int state;
    private int settle;
    private int total;
    private int refundId;
    private int outRefundNo;
    private int refundFen;
    private int refundAsked;
    private int refundState;
    private boolean finished;

    WechatBill(BillInput in, LocalDate date) {
        super(in, date);
    }

    @Override
    void head() {
        String header = new String(in.buf(), in.start, in.end - in.start, StandardCharsets.UTF_8);
        List<String> names = Arrays.stream(header.split(",", -1)).map(String::trim).toList();
        if (!names.contains("交易时间") || !names.contains("商户订单号")) {
            throw BillException.at(1, "not a WeChat Pay trade bill: the header has no 交易时间/商户订单号 columns");
        }
        String l = "WeChat bill";
        shared = new SharedColumns(names.size(), column(names, "交易时间", 1, l), "交易时间", column(names, "手续费", 1, l), "手续费",
                column(names, "微信订单号", 1, l), "微信订单号", column(names, "商户订单号", 1, l));
        state = column(names, "交易状态", 1, l);
        settle = names.contains("应结订单金额") ? column(names, "应结订单金额", 1, l) : column(names, "总金额", 1, l);
        total = names.contains("订单金额") ? column(names, "订单金额", 1, l) : column(names, "总金额", 1, l);
        refundId = column(names, "微信退款单号", 1, l);
        outRefundNo = column(names, "商户退款单号", 1, l);
        refundFen = column(names, "退款金额", 1, l);
        refundAsked = names.contains("申请退款金额") ? column(names, "申请退款金额", 1, l) : refundFen;
        refundState = column(names, "退款状态", 1, l);
    }

    @Override
    boolean next(BillLine out) throws IOException {
        if (finished) {
            return false;
        }
        while (in.next()) {
            byte[] b = in.buf();
            if (in.start == in.end) {
                continue;
            }
            if (b[in.start] != '`') {
                summary();
                return false;
            }
            splitTicks();
            readShared(out);
            if (fieldIs(state, SUCCESS)) {
                return payment(out, fen(total, "订单金额"), fen(settle, "应结订单金额"));
            }
            if (fieldIs(state, REFUND)) {
                long asked = fen(refundAsked, "申请退款金额");
                long refunded = fen(refundFen, "退款金额");
                totals.refundCount++;
                totals.refundFen += refunded;
                totals.refundAskedFen += asked;
                out.kind = BillLine.REFUND;
                out.tradeKey = id(outRefundNo, "商户退款单号", true);
                out.refundId = id(refundId, "微信退款单号", false);
                out.amountFen = asked;
                out.state = id(refundState, "退款状态", false);
                return true;
            }
            totals.otherCount++; // REVOKED and the like: no money moved
        }
        throw BillException.at(in.lineNo(), "the file ends without its summary section (总交易单数,...): it is truncated");
    }

    private void splitTicks() {
        byte[] b = in.buf();
        fields = 0;
        int e = in.end;
        int f = in.start + 1;
        for (int i = f; i < e - 1; i++) {
            if (b[i] == ',' && b[i + 1] == '`') {
                add(f, i);
                f = i + 2;
                i++;
            }
        }
        add(f, e);
    }

    private void summary() throws IOException {
        long headerLine = in.lineNo();
        String header = new String(in.buf(), in.start, in.end - in.start, StandardCharsets.UTF_8);
        List<String> names = Arrays.stream(header.split(",", -1)).map(String::trim).toList();
        if (!names.contains("总交易单数")) {
            throw BillException.at(headerLine, "expected a detail line (starting with `) or the summary header (总交易单数,...)");
        }
        if (!in.next() || in.start == in.end || in.buf()[in.start] != '`') {
            throw BillException.at(headerLine + 1, "the summary line is missing: the file is truncated");
        }
        long line = in.lineNo();
        splitTicks();
        if (fields != names.size()) {
            throw BillException.at(line, fields + " summary values, but the summary header has " + names.size() + " columns");
        }
        for (int i = 0; i < fields; i++) {
            switch (names.get(i)) {
                case "总交易单数" -> check("总交易单数", amount(i, "总交易单数", 0), totals.rows, line, 0);
                case "应结订单总金额", "总交易额" -> check(names.get(i), fen(i, names.get(i)), totals.settleFen, line, 2);
                case "订单总金额" -> check("订单总金额", fen(i, "订单总金额"), totals.payFen, line, 2);
                case "退款总金额", "总退款金额" -> check(names.get(i), fen(i, names.get(i)), totals.refundFen, line, 2);
                case "申请退款总金额" -> check("申请退款总金额", fen(i, "申请退款总金额"), totals.refundAskedFen, line, 2);
                case "手续费总金额" -> check("手续费总金额", amount(i, "手续费总金额", 5), totals.feeMfen, line, 5);
                default -> { } // coupon refund totals: vendpay issues no coupons
            }
        }
        while (in.next()) {
            if (in.end > in.start) {
                throw BillException.at(in.lineNo(), "text after the summary line");
            }
        }
        finished = true;
    }
}
