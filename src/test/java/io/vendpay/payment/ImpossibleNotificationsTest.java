package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.testing.AlipayNotifications;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * Issue 9, items 3, 4 and 10: notices that verify (signed with the real keys) but cannot be true. A non-payment
 * never shadows the payment; an amount that is not above zero is refused and alerted, never refunded; ids longer
 * than the channel issues are refused (4xx) instead of failing to store on every re-delivery.
 */
@OnMariaDb
class ImpossibleNotificationsTest extends PlatformTest {

    private static final String WECHAT_NOTIFY = "/api/v1/pay/wechat/notify";
    private static final String ALIPAY_NOTIFY = "/api/v1/pay/alipay/notify";

    @Value("${vendpay.data-dir}")
    String dataDir;
    @Autowired
    MeterRegistry meters;
    WechatNotifications wechat;

    @BeforeEach
    void keys() {
        wechat = new WechatNotifications(dataDir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOTPAY", "USERPAYING"})
    void aSuccessNoticeWhoseStateIsNotPaidDoesNotShadowTheRealPayment(String state) {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = machine.newOrder().path("orderNo").asString();
            String txn = "42000000002026120" + Math.abs(orderNo.hashCode());

            var notPaid = wechat.payment(orderNo, txn, 350, state);
            assertThat(platform.post(WECHAT_NOTIFY, notPaid.headers(), notPaid.body()).statusCode()).isEqualTo(200);
            var paid = wechat.payment(orderNo, txn, 350, "SUCCESS");
            assertThat(platform.post(WECHAT_NOTIFY, paid.headers(), paid.body()).statusCode()).isEqualTo(200);

            var command = machine.nextCommand(15);
            assertThat(command).as(platform.story(orderNo)).isNotNull();
            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE transaction_id = ?", txn)).isEqualTo(2);
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE transaction_id = ? AND event_type = ?",
                    txn, "TRANSACTION." + state)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -350})
    void aWechatPaymentOfNoOrNegativeAmountIsRefusedAlertedAndNeverRefunded(long amount) {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = machine.newOrder().path("orderNo").asString();
            double before = alerts();
            var notice = wechat.payment(orderNo, "4200000000000000000000" + Math.abs(orderNo.hashCode() % 100000), amount, "SUCCESS");

            var answer = platform.post(WECHAT_NOTIFY, notice.headers(), notice.body());

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("AMOUNT_INVALID");
            assertUntouched(orderNo, before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.00", "-3.50", "1e2", "+3.50", " 3.50", "3.50 "})
    void anAlipayPaymentOfAnAmountThatIsNotPlainPositiveYuanIsRefusedAlertedAndNeverRefunded(String amount) {
        try (var machine = TestMachine.provision(platform, 5)) {
            var order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);
            var notice = new LinkedHashMap<>(platform.sandbox.alipayNotice(orderNo, "TRADE_SUCCESS"));
            notice.put("trade_no", "2026120322001" + Math.abs(orderNo.hashCode()));
            notice.put("total_amount", amount);
            double before = alerts();

            var answer = alipay(new AlipayNotifications(dataDir).resign(notice));

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.headers().firstValue("X-Vendpay-Reason")).hasValue("AMOUNT_INVALID");
            assertUntouched(orderNo, before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.00", "-1.00", "1e2"})
    void anAlipayRefundNoticeOfAnAmountThatIsNotPlainPositiveYuanIsRefused(String amount) {
        try (var machine = TestMachine.provision(platform, 5)) {
            var order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);
            var notice = new LinkedHashMap<>(platform.sandbox.alipayNotice(orderNo, "TRADE_SUCCESS"));
            notice.put("trade_no", "2026120322002" + Math.abs(orderNo.hashCode()));
            notice.put("out_biz_no", "R" + orderNo);
            notice.put("refund_fee", amount);
            notice.put("gmt_refund", "2026-12-03 12:00:00.000");

            var answer = alipay(new AlipayNotifications(dataDir).resign(notice));

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.headers().firstValue("X-Vendpay-Reason")).hasValue("AMOUNT_INVALID");
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ?", orderNo)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"WECHAT", "ALIPAY"})
    void idsLongerThanAnyChannelIssuesAreRefusedNotFailedForever(String channel) {
        try (var machine = TestMachine.provision(platform, 5)) {
            var order = machine.newOrder(channel);
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);
            String longId = "4".repeat(65);
            double before = alerts();
            HttpResponse<String> answer;
            if (channel.equals("WECHAT")) {
                var notice = wechat.payment(orderNo, longId, 350, "SUCCESS");
                answer = platform.post(WECHAT_NOTIFY, notice.headers(), notice.body());
                assertThat(answer.body()).contains("FIELD_TOO_LONG");
            } else {
                var notice = new LinkedHashMap<>(platform.sandbox.alipayNotice(orderNo, "TRADE_SUCCESS"));
                notice.put("trade_no", longId);
                answer = alipay(new AlipayNotifications(dataDir).resign(notice));
                assertThat(answer.headers().firstValue("X-Vendpay-Reason")).hasValue("FIELD_TOO_LONG");
            }
            assertThat(answer.statusCode()).isEqualTo(400);
            assertUntouched(orderNo, before);
        }
    }

    private void assertUntouched(String orderNo, double alertsBefore) {
        assertThat(alerts()).isEqualTo(alertsBefore + 1);
        assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ? AND source = 'NOTIFY'", orderNo)).isZero();
        assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
        assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", orderNo)).isZero();
        assertThat(platform.status(orderNo)).isEqualTo("CREATED");
    }

    private HttpResponse<String> alipay(Map<String, String> params) {
        return platform.post(ALIPAY_NOTIFY, AlipayNotifications.formHeaders(), AlipayNotifications.form(params));
    }

    private double alerts() {
        var c = meters.find("vendpay_alerts").tag("kind", "NOTIFICATION_INVALID").counter();
        return c == null ? 0 : c.count();
    }
}
