package io.vendpay.sandbox.internal.bills;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.Money;

/**
 * Writes a channel's daily bill as the channel publishes it (payment-protocols.md sections 2.2 and
 * 3.6): WeChat's trade bill type ALL (UTF-8, backtick-prefixed values, a summary section) or
 * Alipay's 业务明细 (GBK, {@code #} comment lines, tab-guarded ids, totals lines). Lines go out in
 * the order given (callers give them in time order, as the channels do); totals are kept on the
 * way and written at {@link #close}. Gzip when the file name ends in {@code .gz}.
 * <p>
 * Fees: 0.6 % of each payment, returned on refunds, with WeChat's five decimals of yuan.
 */
public abstract class BillWriter implements Closeable {

    final OutputStream out;
    final LocalDate date;
    final String day;
    final long dayStart;
    final String merchant;
    long rows;
    long payCount;
    long payFen;
    long refundCount;
    long refundFen;
    long feeMfen;
    private final StringBuilder line = new StringBuilder(512);

    BillWriter(Path file, LocalDate date, String merchant) throws IOException {
        OutputStream o = Files.newOutputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            // fastest deflate level: a 100-million-line bill is written at disk speed, and still shrinks about tenfold
            o = new GZIPOutputStream(o, 1 << 16) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
        }
        this.out = new BufferedOutputStream(o, 1 << 16);
        this.date = date;
        this.day = date.toString();
        this.dayStart = ChinaTime.startOfDay(date);
        this.merchant = merchant;
    }

    public static BillWriter open(String channel, LocalDate date, Path file, String merchant) throws IOException {
        return switch (channel) {
            case "WECHAT" -> new Wechat(file, date, merchant);
            case "ALIPAY" -> new Alipay(file, date, merchant);
            default -> throw new IllegalArgumentException("no bill layout for channel " + channel);
        };
    }

    /** A successful payment. */
    public abstract void payment(long paidAt, String transactionId, String outTradeNo, long amountFen, String product) throws IOException;

    /** A refund accepted at {@code at} (the channel's refund state then: SUCCESS, PROCESSING, ...). */
    public abstract void refund(long at, String transactionId, String outTradeNo, long orderFen, String refundId, String outRefundNo,
                                long refundFen, String state, String product) throws IOException;

    public long rows() {
        return rows;
    }

    static long fee(long fen) {
        return fen * 6; // 0.6 % of fen, in thousandths of a fen
    }

    StringBuilder line() {
        line.setLength(0);
        return line;
    }

    void time(StringBuilder b, long at) {
        long ms = at - dayStart;
        if (ms < 0 || ms >= 86_400_000L) {
            throw new IllegalArgumentException("time " + at + " is not on " + day);
        }
        long s = ms / 1000;
        b.append(day).append(' ');
        two(b, s / 3600).append(':');
        two(b, s / 60 % 60).append(':');
        two(b, s % 60);
    }

    private static StringBuilder two(StringBuilder b, long v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    static String yuan5(long mfen) {
        return BigDecimal.valueOf(mfen, 5).toPlainString();
    }

    void emit(StringBuilder b, Charset cs) throws IOException {
        b.append('\n');
        out.write(b.toString().getBytes(cs));
        rows++;
    }

    void raw(String text, Charset cs) throws IOException {
        out.write((text + "\n").getBytes(cs));
    }

    @Override
    public void close() throws IOException {
        try {
            summary();
        } finally {
            out.close();
        }
    }

    abstract void summary() throws IOException;

    /** WeChat Pay trade bill, type ALL, new (27-column) layout. */
    static final class Wechat extends BillWriter {
        static final String HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
                + "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
        private final String appid;

        Wechat(Path file, LocalDate date, String merchant) throws IOException {
            super(file, date, merchant);
            this.appid = "wx" + merchant;
            raw(HEADER, StandardCharsets.UTF_8);
        }

        @Override
        public void payment(long paidAt, String txn, String outTradeNo, long amountFen, String product) throws IOException {
            var b = line().append('`');
            time(b, paidAt);
            String amount = Money.yuan(amountFen);
            b.append(",`").append(appid).append(",`").append(merchant).append(",`0,`,`").append(txn).append(",`").append(outTradeNo)
                    .append(",`o").append(outTradeNo, Math.max(0, outTradeNo.length() - 8), outTradeNo.length())
                    .append(",`NATIVE,`SUCCESS,`OTHERS,`CNY,`").append(amount).append(",`0.00,`0,`0,`0.00,`0.00,`,`,`").append(product)
                    .append(",`,`").append(yuan5(fee(amountFen))).append(",`0.60%,`").append(amount).append(",`0.00,`");
            emit(b, StandardCharsets.UTF_8);
            payCount++;
            payFen += amountFen;
            feeMfen += fee(amountFen);
        }

        @Override
        public void refund(long at, String txn, String outTradeNo, long orderFen, String refundId, String outRefundNo, long refundFen,
                           String state, String product) throws IOException {
            var b = line().append('`');
            time(b, at);
            String refund = Money.yuan(refundFen);
            b.append(",`").append(appid).append(",`").append(merchant).append(",`0,`,`").append(txn).append(",`").append(outTradeNo)
                    .append(",`o").append(outTradeNo, Math.max(0, outTradeNo.length() - 8), outTradeNo.length())
                    .append(",`NATIVE,`REFUND,`OTHERS,`CNY,`").append(Money.yuan(orderFen)).append(",`0.00,`").append(refundId)
                    .append(",`").append(outRefundNo).append(",`").append(refund).append(",`0.00,`ORIGINAL,`").append(state)
                    .append(",`").append(product).append(",`,`").append(yuan5(-fee(refundFen))).append(",`0.60%,`")
                    .append(Money.yuan(orderFen)).append(",`").append(refund).append(",`");
            emit(b, StandardCharsets.UTF_8);
            refundCount++;
            this.refundFen += refundFen;
            feeMfen -= fee(refundFen);
        }

        @Override
        void summary() throws IOException {
            raw("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额", StandardCharsets.UTF_8);
            raw("`" + rows + ",`" + Money.yuan(payFen) + ",`" + Money.yuan(refundFen) + ",`0.00,`" + yuan5(feeMfen) + ",`"
                    + Money.yuan(payFen) + ",`" + Money.yuan(refundFen), StandardCharsets.UTF_8);
        }
    }

    /** Alipay 业务明细, GBK. */
    static final class Alipay extends BillWriter {
        static final Charset GBK = Charset.forName("GBK");
        static final String HEADER = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,"
                + "商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
                + "退款批次号/请求号,服务费（元）,分润（元）,备注";
        private long settleFen;

        Alipay(Path file, LocalDate date, String merchant) throws IOException {
            super(file, date, merchant);
            raw("#支付宝业务明细查询", GBK);
            raw("#账号：[" + merchant + "0156]", GBK);
            raw("#起始日期：[" + chinese(date) + " 00:00:00]   终止日期：[" + chinese(date.plusDays(1)) + " 00:00:00]", GBK);
            raw("#-----------------------------------------业务明细列表----------------------------------------", GBK);
            raw(HEADER, GBK);
        }

        private static String chinese(LocalDate d) {
            return String.format("%04d年%02d月%02d日", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
        }

        @Override
        public void payment(long paidAt, String txn, String outTradeNo, long amountFen, String product) throws IOException {
            var b = line().append(txn).append("\t,").append(outTradeNo).append("\t,交易,").append(csv(product)).append(',');
            time(b, paidAt - 5000 < dayStart ? paidAt : paidAt - 5000);
            b.append(',');
            time(b, paidAt);
            String amount = Money.yuan(amountFen);
            long feeFen = (amountFen * 6 + 500) / 1000;
            b.append(",,,,,buyer***@example.com,").append(amount).append(',').append(amount)
                    .append(",0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,").append(Money.yuan(-feeFen)).append(",0.00,");
            emit(b, GBK);
            payCount++;
            payFen += amountFen;
            settleFen += amountFen;
            feeMfen += -feeFen * 1000;
        }

        @Override
        public void refund(long at, String txn, String outTradeNo, long orderFen, String refundId, String outRefundNo, long refundFen,
                           String state, String product) throws IOException {
            var b = line().append(txn).append("\t,").append(outTradeNo).append("\t,退款,").append(csv(product)).append(',');
            time(b, at);
            b.append(',');
            time(b, at);
            String amount = Money.yuan(-refundFen);
            long feeFen = (refundFen * 6 + 500) / 1000;
            b.append(",,,,,buyer***@example.com,").append(amount).append(',').append(amount)
                    .append(",0.00,0.00,0.00,0.00,0.00,,0.00,0.00,").append(outRefundNo).append("\t,").append(Money.yuan(feeFen))
                    .append(",0.00,");
            emit(b, GBK);
            refundCount++;
            this.refundFen += refundFen;
            feeMfen += feeFen * 1000;
        }

        private static String csv(String v) {
            return v.indexOf(',') >= 0 || v.indexOf('"') >= 0 ? '"' + v.replace("\"", "\"\"") + '"' : v;
        }

        @Override
        void summary() throws IOException {
            raw("#-----------------------------------------业务明细列表结束------------------------------------", GBK);
            raw("#交易合计：" + payCount + "笔，商家实收共" + Money.yuan(settleFen) + "元，商家优惠共0.00元", GBK);
            raw("#退款合计：" + refundCount + "笔，商家实收共" + Money.yuan(-refundFen) + "元，商家优惠共0.00元", GBK);
            raw("#导出时间：[" + chinese(date.plusDays(1)) + " 10:00:00]", GBK);
        }
    }
}
