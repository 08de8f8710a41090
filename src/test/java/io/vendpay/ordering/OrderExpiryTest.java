package io.vendpay.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An unpaid order expires: closed at the channel, CLOSED here, its unit free for the next customer. */
@OnMariaDb
class OrderExpiryTest extends PlatformTest {

    @Test
    void anExpiredUnpaidOrderIsClosedAndReleasesItsUnit() {
        try (var machine = TestMachine.provision(platform, 1)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            assertThat(machine.order("next-customer", "A1").statusCode()).isEqualTo(409);

            expireNow(orderNo);

            await().atMost(Duration.ofSeconds(10)).until(() -> platform.status(orderNo).equals("CLOSED"));
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isZero();
            assertThat(platform.order(orderNo).path("timeline").findValuesAsString("type")).containsExactly("CREATED", "EXPIRE");
            assertThatThrownBy(() -> platform.pay(order)).hasMessageContaining("CLOSED");
            assertThat(machine.order("next-customer-2", "A1").statusCode()).isEqualTo(201);
        }
    }

    @Test
    void anOrderPaidAtTheChannelIsNotClosed() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            platform.sandbox.pay(order.path("qrCode").asString(), null, false);   // paid, notification not (yet) sent

            expireNow(orderNo);

            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(platform.status(orderNo)).isEqualTo("CREATED");
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isEqualTo(1);
        }
    }

    private void expireNow(String orderNo) {
        platform.sql.sql("UPDATE orders SET expires_at = ? WHERE order_no = ?")
                .params(System.currentTimeMillis() - 1, orderNo).update();
    }
}
