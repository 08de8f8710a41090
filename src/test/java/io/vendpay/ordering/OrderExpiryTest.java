package io.vendpay.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Contract section 3, CREATED --expired--> CLOSED, and the payments that race with it. */
@OnMariaDb
class OrderExpiryTest extends PlatformTest {

    @ParameterizedTest
    @ValueSource(strings = {"WECHAT", "ALIPAY"})
    void anExpiredUnpaidOrderIsClosedAtTheChannelAndReleasesItsUnit(String channel) {
        try (var machine = TestMachine.provision(platform, 1)) {
            JsonNode order = machine.newOrder(channel);
            String orderNo = order.path("orderNo").asString();
            assertThat(machine.order("next-customer", "A1", channel).statusCode()).isEqualTo(409);

            platform.expireNow(orderNo);

            platform.awaitStatus(orderNo, "CLOSED", Duration.ofSeconds(10));
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isZero();
            assertThat(platform.order(orderNo).path("timeline").findValuesAsString("type")).containsExactly("CREATED", "EXPIRE");
            assertThatThrownBy(() -> platform.pay(order)).as("closed at the channel").hasMessageContaining("CLOSED");
            assertThat(machine.order("next-customer-2", "A1", channel).statusCode()).isEqualTo(201);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"WECHAT", "ALIPAY"})
    void anOrderPaidAtTheChannelIsNotClosedButDispensed(String channel) {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder(channel);
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);   // paid; the notification is lost

            platform.expireNow(orderNo);

            JsonNode command = machine.nextCommand(10);
            assertThat(command).as("the payment found when closing was applied").isNotNull();
            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'EXPIRE'", orderNo)).isZero();
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"WECHAT", "ALIPAY"})
    void aPaymentForAnOrderThatExpiredIsRefundedNeverDispensed(String channel) {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder(channel);
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.faults().failCloseRequests(1);      // the channel cannot be reached at expiry
            platform.expireNow(orderNo);
            platform.awaitStatus(orderNo, "CLOSED", Duration.ofSeconds(10));

            platform.pay(order);                                   // the customer paid at the last second anyway

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(15));
            assertThat(platform.order(orderNo).path("timeline").findValuesAsString("type"))
                    .containsExactly("CREATED", "EXPIRE", "LATE_PAYMENT", "REFUND_DONE");
            assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", orderNo)).isZero();
            assertThat(platform.sandbox.refundRequests()).containsEntry("R" + orderNo, 1);
            assertThat(machine.nextCommand(1)).isNull();
        }
    }
}
