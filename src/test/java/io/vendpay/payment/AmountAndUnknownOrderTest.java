package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

@OnMariaDb
class AmountAndUnknownOrderTest extends PlatformTest {

    @Value("${vendpay.data-dir}")
    String dataDir;
    @Autowired
    MeterRegistry meters;

    @ParameterizedTest
    @ValueSource(strings = {"WECHAT", "ALIPAY"})
    void aPaymentOfTheWrongAmountIsRefundedAndNeverDispensed(String channel) {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder(channel);
            String orderNo = order.path("orderNo").asString();

            platform.sandbox.pay(order.path("qrCode").asString(), 1L, true);

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(15));
            JsonNode view = platform.order(orderNo);
            assertThat(view.path("flags").toString()).contains("AMOUNT_MISMATCH");
            assertThat(view.path("timeline").findValuesAsString("type")).containsExactly("CREATED", "AMOUNT_MISMATCH", "REFUND_DONE");
            assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", orderNo)).isZero();
            assertThat(platform.count("SELECT refund_fen FROM refund WHERE order_no = ?", orderNo)).isEqualTo(1);
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isZero();
            assertThat(machine.nextCommand(1)).isNull();
        }
    }

    @Test
    void aPaymentForAnUnknownOrderIsStoredAnsweredAndRaisesAnAlert() {
        var wechat = new WechatNotifications(dataDir);
        double before = alerts();
        var n = wechat.payment("V9999999999999999999", "4200000000000000000000000777", 350);

        var answer = platform.post("/api/v1/pay/wechat/notify", n.headers(), n.body());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = 'V9999999999999999999'")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> alerts() == before + 1);
        assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_trade_no = 'V9999999999999999999' AND processed_at IS NOT NULL")).isEqualTo(1);
    }

    private double alerts() {
        var c = meters.find("vendpay_alerts").tag("kind", "PAYMENT_FOR_UNKNOWN_ORDER").counter();
        return c == null ? 0 : c.count();
    }
}
