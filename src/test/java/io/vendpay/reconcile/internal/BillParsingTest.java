package io.vendpay.reconcile.internal;

import static io.vendpay.reconcile.internal.BillFiles.WECHAT_HEADER;
import static io.vendpay.reconcile.internal.BillFiles.WECHAT_SUMMARY_HEADER;
import static io.vendpay.reconcile.internal.BillFiles.alipayHead;
import static io.vendpay.reconcile.internal.BillFiles.alipayPay;
import static io.vendpay.reconcile.internal.BillFiles.alipayRefund;
import static io.vendpay.reconcile.internal.BillFiles.alipayTail;
import static io.vendpay.reconcile.internal.BillFiles.tick;
import static io.vendpay.reconcile.internal.BillFiles.wechatPay;
import static io.vendpay.reconcile.internal.BillFiles.wechatRefund;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.vendpay.payment.PaymentChannel;
import io.vendpay.shared.ChinaTime;
import io.vendpay.shared.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both channels' bill layouts, read from small files written here, and every way a file can be wrong. */
class BillParsingTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 23);
    static final long NOON = ChinaTime.startOfDay(DAY) + 12 * 3_600_000L;

    @TempDir
    Path dir;

    record Read(String kind, String key, String outTradeNo, String txn, long fen, long feeMfen, long at, String state, long line) {
    }

    static List<Read> read(Path file, PaymentChannel channel) throws IOException {
        var out = new ArrayList<Read>();
        try (var in = new BillInput(file)) {
            var layout = BillLayout.open(in, channel, DAY);
            var l = new BillLine();
            while (layout.next(l)) {
                out.add(new Read(l.kind, l.tradeKey, l.outTradeNo, l.transactionId, l.amountFen, l.feeMfen, l.tradedAt, l.state, l.lineNo));
            }
        }
        return out;
    }

    List<String> wechatDay() {
        return List.of(WECHAT_HEADER,
                wechatPay("2026-11-23 12:00:00", "4200000001", "V001", "3.50", "0.02100", "Cola 330ml"),
                wechatPay("2026-11-23 12:00:01", "4200000002", "V002", "12.00", "0.07200", "Chips, salted"),
                wechatRefund("2026-11-23 12:05:00", "4200000002", "V002", "12.00", "5030000001", "RV002", "12.00", "-0.07200"),
                wechatPay("2026-11-23 12:06:00", "4200000003", "V003", "1.00", "0.00600", "Gum").replace("`SUCCESS", "`REVOKED"),
                WECHAT_SUMMARY_HEADER,
                tick("4", "15.50", "12.00", "0.00", "0.02700", "15.50", "12.00"));
    }

    @Test
    void aWechatTradeBillYieldsItsPaymentsAndRefundsAndChecksItsSummary() throws IOException {
        var lines = read(BillFiles.wechat(dir.resolve("wechat.csv"), wechatDay()), PaymentChannel.WECHAT);

        assertThat(lines).containsExactly(
                new Read("P", "V001", "V001", "4200000001", 350, 2100, NOON, "SUCCESS", 2),
                new Read("P", "V002", "V002", "4200000002", 1200, 7200, NOON + 1000, "SUCCESS", 3),
                new Read("R", "RV002", "V002", "4200000002", 1200, -7200, NOON + 300_000, "SUCCESS", 4));
    }

    @Test
    void aGzippedBillReadsTheSame() throws IOException {
        Path plain = BillFiles.wechat(dir.resolve("wechat.csv"), wechatDay());
        assertThat(read(BillFiles.gzip(plain, dir.resolve("wechat.csv.gz")), PaymentChannel.WECHAT))
                .isEqualTo(read(plain, PaymentChannel.WECHAT));
    }

    @Test
    void theOlderWechatLayoutIsReadByItsColumnNames() throws IOException {
        String header = "交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,"
                + "代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率";
        String pay = tick("2026-11-23 12:00:00", "wx1", "1900000109", "0", "", "4200000001", "V001", "o1", "NATIVE", "SUCCESS",
                "OTHERS", "CNY", "3.50", "0.00", "0", "0", "0.00", "0.00", "", "", "Cola", "", "0.02100", "0.60%");
        var file = BillFiles.wechat(dir.resolve("old.csv"), List.of(header, pay,
                "总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额", tick("1", "3.50", "0.00", "0.00", "0.02100")));

        assertThat(read(file, PaymentChannel.WECHAT)).extracting(Read::key, Read::fen).containsExactly(org.assertj.core.groups.Tuple.tuple("V001", 350L));
    }

    @Test
    void anAlipayBillInGbkYieldsItsPaymentsAndRefunds() throws IOException {
        var lines = new ArrayList<>(alipayHead("2026年11月23日", "2026年11月24日"));
        lines.add(alipayPay("2026-11-23 12:00:00", "2026112322001400001", "V101", "3.50", "-0.02"));
        lines.add(alipayPay("2026-11-23 12:00:01", "2026112322001400002", "V102", "8.00", "-0.05"));
        lines.add(alipayRefund("2026-11-23 12:10:00", "2026112322001400002", "V102", "-8.00", "RV102", "0.05"));
        lines.addAll(alipayTail("2笔，商家实收共11.50元，商家优惠共0.00元", "1笔，商家实收共-8.00元，商家优惠共0.00元"));

        var read = read(BillFiles.alipay(dir.resolve("alipay.csv"), lines), PaymentChannel.ALIPAY);

        assertThat(read).containsExactly(
                new Read("P", "V101", "V101", "2026112322001400001", 350, -2000, NOON, "SUCCESS", 6),
                new Read("P", "V102", "V102", "2026112322001400002", 800, -5000, NOON + 1000, "SUCCESS", 7),
                new Read("R", "RV102", "V102", "2026112322001400002", 800, 5000, NOON + 600_000, "SUCCESS", 8));
    }

    @Test
    void aTruncatedBillIsRejectedNamingWhereItEnds() throws IOException {
        var cut = new ArrayList<>(wechatDay().subList(0, 3));
        var file = BillFiles.wechat(dir.resolve("cut.csv"), cut);

        assertThatThrownBy(() -> read(file, PaymentChannel.WECHAT)).isInstanceOf(BillException.class)
                .hasMessageContaining("line 3").hasMessageContaining("truncated");
    }

    @Test
    void summaryTotalsThatDoNotMatchTheLinesRejectTheFile() throws IOException {
        var lines = new ArrayList<>(wechatDay());
        lines.set(6, tick("4", "15.50", "12.00", "0.00", "0.02700", "17.50", "12.00"));
        var file = BillFiles.wechat(dir.resolve("altered.csv"), lines);

        assertThatThrownBy(() -> read(file, PaymentChannel.WECHAT)).isInstanceOf(BillException.class)
                .hasMessageContaining("line 7").hasMessageContaining("订单总金额 = 17.50").hasMessageContaining("add up to 15.50");
    }

    @Test
    void aBadAmountIsRejectedNamingItsLine() throws IOException {
        var lines = new ArrayList<>(wechatDay());
        lines.set(2, wechatPay("2026-11-23 12:00:01", "4200000002", "V002", "12.001", "0.07200", "Chips"));
        var file = BillFiles.wechat(dir.resolve("bad.csv"), lines);

        assertThatThrownBy(() -> read(file, PaymentChannel.WECHAT)).isInstanceOf(BillException.class)
                .hasMessageContaining("line 3").hasMessageContaining("订单金额").hasMessageContaining("12.001");
    }

    @Test
    void aBillOfAnotherDayIsRejected() throws IOException {
        var file = BillFiles.wechat(dir.resolve("w.csv"), wechatDay());
        assertThatThrownBy(() -> {
            try (var in = new BillInput(file)) {
                var layout = BillLayout.open(in, PaymentChannel.WECHAT, DAY.plusDays(1));
                layout.next(new BillLine());
            }
        }).isInstanceOf(BillException.class).hasMessageContaining("line 2").hasMessageContaining("not on the bill date 2026-11-24");

        var a = BillFiles.alipay(dir.resolve("a.csv"), BillFiles.emptyAlipayDay("2026年11月22日", "2026年11月23日"));
        assertThatThrownBy(() -> read(a, PaymentChannel.ALIPAY)).isInstanceOf(BillException.class)
                .hasMessageContaining("line 3").hasMessageContaining("covers 2026-11-22");
    }

    @Test
    void aBillOfTheOtherChannelIsRejected() throws IOException {
        var wechat = BillFiles.wechat(dir.resolve("w.csv"), wechatDay());
        assertThatThrownBy(() -> read(wechat, PaymentChannel.ALIPAY)).isInstanceOf(BillException.class)
                .hasMessageContaining("line 1").hasMessageContaining("not an Alipay bill");

        var a = BillFiles.alipay(dir.resolve("a.csv"), BillFiles.emptyAlipayDay("2026年11月23日", "2026年11月24日"));
        assertThatThrownBy(() -> read(a, PaymentChannel.WECHAT)).isInstanceOf(BillException.class)
                .hasMessageContaining("line 1").hasMessageContaining("Alipay bill");
    }

    @Test
    void corruptGzipIsRejected() throws IOException {
        Path gz = BillFiles.gzip(BillFiles.wechat(dir.resolve("w.csv"), wechatDay()), dir.resolve("w.csv.gz"));
        byte[] bytes = Files.readAllBytes(gz);
        Files.write(gz, Arrays.copyOf(bytes, bytes.length - 30)); // cut inside the deflate stream
        assertThatThrownBy(() -> read(gz, PaymentChannel.WECHAT)).isInstanceOf(BillException.class)
                .hasMessageContaining("gzip");

        bytes[bytes.length / 2] ^= 0x5a;
        bytes[bytes.length / 2 + 1] ^= 0x33;
        Files.write(gz, bytes);
        assertThatThrownBy(() -> read(gz, PaymentChannel.WECHAT)).isInstanceOf(BillException.class);
    }

    @Test
    void amountsAreReadExactlyAsMoneyReadsThem() {
        for (String s : List.of("0", "0.01", "3.5", "3.50", "19.90", "-1.00", "100000.99", ".5", "7.", "12.300")) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertThat(Amounts.parse(b, 0, b.length, 2)).as(s).isEqualTo(Money.fenOf(s));
        }
        for (String s : List.of("", "-", "1.001", "abc", "1,00", "1.2.3", "--1")) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> Amounts.parse(b, 0, b.length, 2)).as(s).isInstanceOf(NumberFormatException.class);
            assertThatThrownBy(() -> Money.fenOf(s)).as(s).isInstanceOf(NumberFormatException.class);
        }
        byte[] fee = "0.02100".getBytes(StandardCharsets.US_ASCII);
        assertThat(Amounts.parse(fee, 0, fee.length, 5)).isEqualTo(2100);
    }
}
