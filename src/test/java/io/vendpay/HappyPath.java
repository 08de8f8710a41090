package io.vendpay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A machine sells a drink paid by WeChat Pay, over real HTTP and real MQTT: the order is created
 * with a QR code, the customer pays in the sandbox, WeChat notifies, the platform commands the
 * machine, the machine dispenses, and the order's timeline tells the whole story.
 */
abstract class HappyPath extends PlatformTest {

    @Test
    void aPaidOrderIsDispensedAndItsStoryIsRecorded() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            assertThat(order.path("amountFen").asLong()).isEqualTo(350);
            assertThat(order.path("qrCode").asString()).startsWith("weixin://wxpay/bizpayurl?pr=");
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ? AND slot = 'A1'", machine.deviceId)).isEqualTo(1);

            platform.pay(order);

            JsonNode command = machine.nextCommand(10);
            assertThat(command).as("dispense command over MQTT").isNotNull();
            assertThat(command.path("type").asString()).isEqualTo("DISPENSE");
            assertThat(command.path("orderNo").asString()).isEqualTo(orderNo);
            assertThat(command.path("slot").asString()).isEqualTo("A1");
            assertThat(command.path("qty").asInt()).isEqualTo(1);
            platform.awaitStatus(orderNo, "DISPENSING", Duration.ofSeconds(5));

            machine.answer(command, true, null);

            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            JsonNode view = platform.order(orderNo);
            assertThat(view.path("status").asString()).isEqualTo("DISPENSED");
            assertThat(view.path("channelTransactionId").asString()).startsWith("4200");
            assertThat(view.path("timeline").findValuesAsString("type")).as(platform.story(orderNo))
                    .containsExactly("CREATED", "PAY", "COMMAND_SENT", "DISPENSE_OK");
            assertThat(platform.count("SELECT stock FROM slot WHERE device_id = ? AND slot = 'A1'", machine.deviceId)).isEqualTo(4);
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ? AND slot = 'A1'", machine.deviceId)).isZero();

            var deviceView = machine.signed("GET", "/api/v1/device/orders/" + orderNo, "");
            assertThat(deviceView.statusCode()).isEqualTo(200);
            assertThat(deviceView.body()).contains("\"status\":\"DISPENSED\"");
        }
    }
}
