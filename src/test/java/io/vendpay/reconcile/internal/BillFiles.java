package io.vendpay.reconcile.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Small bill files written line by line, in each channel's layout, for the parsing tests. */
final class BillFiles {

    static final String WECHAT_HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
            + "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
    static final String WECHAT_SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
    static final String ALIPAY_HEADER = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,"
            + "商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
            + "退款批次号/请求号,服务费（元）,分润（元）,备注";

    private BillFiles() {
    }

    static String tick(String... values) {
        return "`" + String.join(",`", values);
    }

    /** A WeChat payment line: 27 backtick-prefixed values. */
    static String wechatPay(String time, String txn, String orderNo, String yuan, String fee, String product) {
        return tick(time, "wx8888888888888888", "1900000109", "0", "", txn, orderNo, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE",
                "SUCCESS", "OTHERS", "CNY", yuan, "0.00", "0", "0", "0.00", "0.00", "", "", product, "", fee, "0.60%", yuan, "0.00", "");
    }

    static String wechatRefund(String time, String txn, String orderNo, String orderYuan, String refundId, String outRefundNo,
                               String refundYuan, String fee) {
        return tick(time, "wx8888888888888888", "1900000109", "0", "", txn, orderNo, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE",
                "REFUND", "OTHERS", "CNY", orderYuan, "0.00", refundId, outRefundNo, refundYuan, "0.00", "ORIGINAL", "SUCCESS",
                "Cola", "", fee, "0.60%", orderYuan, refundYuan, "");
    }

    static String alipayPay(String time, String txn, String orderNo, String yuan, String fee) {
        return txn + "\t," + orderNo + "\t,交易,Cola 330ml," + time + "," + time + ",,,,,bu***@example.com," + yuan + "," + yuan
                + ",0.00,0.00,0.00,0.00,0.00,,0.00,0.00,," + fee + ",0.00,";
    }

    static String alipayRefund(String time, String txn, String orderNo, String minusYuan, String outRefundNo, String fee) {
        return txn + "\t," + orderNo + "\t,退款,Cola 330ml," + time + "," + time + ",,,,,bu***@example.com," + minusYuan + ","
                + minusYuan + ",0.00,0.00,0.00,0.00,0.00,,0.00,0.00," + outRefundNo + "\t," + fee + ",0.00,";
    }

    static List<String> alipayHead(String from, String to) {
        var l = new ArrayList<String>();
        l.add("#支付宝业务明细查询");
        l.add("#账号：[20880000000000000156]");
        l.add("#起始日期：[" + from + " 00:00:00]   终止日期：[" + to + " 00:00:00]");
        l.add("#-----------------------------------------业务明细列表----------------------------------------");
        l.add(ALIPAY_HEADER);
        return l;
    }

    static List<String> alipayTail(String trades, String refunds) {
        return List.of("#-----------------------------------------业务明细列表结束------------------------------------",
                "#交易合计：" + trades, "#退款合计：" + refunds, "#导出时间：[2026年11月24日 10:00:00]");
    }

    /** An Alipay bill covering [{@code from}, {@code to}) with no trades and no refunds. */
    static List<String> emptyAlipayDay(String from, String to) {
        var l = alipayHead(from, to);
        l.addAll(alipayTail("0笔，商家实收共0.00元，商家优惠共0.00元", "0笔，商家实收共0.00元，商家优惠共0.00元"));
        return l;
    }

    static Path write(Path file, Charset cs, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", cs);
        return file;
    }

    static Path wechat(Path file, List<String> lines) throws IOException {
        return write(file, StandardCharsets.UTF_8, lines);
    }

    static Path alipay(Path file, List<String> lines) throws IOException {
        return write(file, Charset.forName("GBK"), lines);
    }

    static Path gzip(Path plain, Path gz) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, out);
        }
        return gz;
    }
}
