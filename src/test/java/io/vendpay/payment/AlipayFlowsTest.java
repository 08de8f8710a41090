package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.testing.AlipayNotifications;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/** Alipay end to end with the sandbox: same invariants, Alipay's own corners. */
@OnMariaDb
class AlipayFlowsTest extends PlatformTest {

    static final String NOTIFY = "/api/v1/pay/alipay/notify";

    @Value("${vendpay.data-dir}")
    String dataDir;
    @Autowired
    MeterRegistry meters;

    @Test
    void anAlipayOrderIsDispensed() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            assertThat(order.path("qrCode").asString()).startsWith("https://qr.alipay.com/");
            platform.pay(order);
            JsonNode command = machine.nextCommand(10);
            assertThat(command).isNotNull();
            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            assertThat(platform.order(orderNo).path("channel").asString()).isEqualTo("ALIPAY");
        }
    }

    @Test
    void anAlipayDispenseFailureIsRefundedOnce() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);
            machine.answer(machine.nextCommand(10), false, "MOTOR_JAM");

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(15));
            assertThat(platform.sandbox.refundRequests()).containsEntry("R" + orderNo, 1);
            // the refund's own notice (trade closed, refund fields) arrives too: a refund event, never a payment
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_refund_no = ?", "R" + orderNo) == 1);
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'PAY'", orderNo)).isEqualTo(1);
        }
    }

    @Test
    void aLostAlipayNotificationIsRecoveredByTheQuery() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);

            JsonNode command = machine.nextCommand(15);
            assertThat(command).isNotNull();
            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ? AND source = 'QUERY'", orderNo))
                    .isEqualTo(1);
        }
    }

    @Test
    void tradeFinishedMonthsLaterIsNotASecondPayment() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = platform.sell(machine, "ALIPAY");

            var answer = post(platform.sandbox.alipayNotice(orderNo, "TRADE_FINISHED"));

            assertThat(answer.body()).isEqualTo("success");
            Thread.sleep(1_000);
            assertThat(platform.status(orderNo)).isEqualTo("DISPENSED");
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type IN ('PAY', 'SECOND_PAYMENT')", orderNo))
                    .isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPartialRefundNoticeSentAsTradeSuccessIsARefundEventNotAPayment() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = platform.sell(machine, "ALIPAY");
            double before = alerts("REFUND_UNKNOWN");
            var notice = new LinkedHashMap<>(platform.sandbox.alipayNotice(orderNo, "TRADE_SUCCESS"));
            notice.put("out_biz_no", "PARTIAL-1");
            notice.put("refund_fee", "1.00");
            notice.put("gmt_refund", "2026-11-27 12:00:00.000");

            var answer = post(new AlipayNotifications(dataDir).resign(notice));

            assertThat(answer.body()).isEqualTo("success");
            await().atMost(Duration.ofSeconds(10)).until(() -> alerts("REFUND_UNKNOWN") == before + 1);
            assertThat(platform.status(orderNo)).isEqualTo("DISPENSED");
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'PAY'", orderNo)).isEqualTo(1);
        }
    }

    @Test
    void aNoticeThatIsNotFinalIsStoredAndIgnored() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);
            var waiting = new LinkedHashMap<>(platform.sandbox.alipayNotice(orderNo, "WAIT_BUYER_PAY"));
            waiting.put("trade_no", "WAITING-" + orderNo);

            var answer = post(new AlipayNotifications(dataDir).resign(waiting));

            assertThat(answer.body()).isEqualTo("success");
            await().atMost(Duration.ofSeconds(5)).until(() -> platform.count(
                    "SELECT COUNT(*) FROM payment_notification WHERE transaction_id = ? AND outcome = 'IGNORED'", "WAITING-" + orderNo) == 1);
        }
    }

    @Test
    void forgedUnsignedAndForeignNotificationsAreRefusedAndChangeNothing() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder("ALIPAY");
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);
            Map<String, String> genuine = platform.sandbox.alipayNotice(orderNo, "TRADE_SUCCESS");

            var tampered = new LinkedHashMap<>(genuine);
            tampered.put("total_amount", "0.01");
            assertRefused(post(tampered), "SIGNATURE_INVALID", orderNo);

            var unsigned = new LinkedHashMap<>(genuine);
            unsigned.remove("sign");
            assertRefused(post(unsigned), "SIGNATURE_MISSING", orderNo);

            var foreign = new LinkedHashMap<>(genuine);
            foreign.put("app_id", "2021999999999999");
            assertRefused(post(new AlipayNotifications(dataDir).resign(foreign)), "APP_ID_MISMATCH", orderNo);

            var garbled = new LinkedHashMap<>(genuine);
            garbled.put("total_amount", "3.505");
            assertRefused(post(new AlipayNotifications(dataDir).resign(garbled)), "AMOUNT_INVALID", orderNo);
        }
    }

    private void assertRefused(HttpResponse<String> answer, String reason, String orderNo) {
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).isEqualTo("fail");
        assertThat(answer.headers().firstValue("X-Vendpay-Reason")).hasValue(reason);
        assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = ? AND source = 'NOTIFY'", orderNo)).isZero();
    }

    private HttpResponse<String> post(Map<String, String> params) {
        return platform.post(NOTIFY, AlipayNotifications.formHeaders(), AlipayNotifications.form(params));
    }

    private double alerts(String kind) {
        var c = meters.find("vendpay_alerts").tag("kind", kind).counter();
        return c == null ? 0 : c.count();
    }
}
