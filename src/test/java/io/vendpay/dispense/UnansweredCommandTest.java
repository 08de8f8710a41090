package io.vendpay.dispense;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Contract section 5 with the test context's timers (resend after 1 s, unknown after 6 s): an
 * unanswered command is re-sent under the same id, the order goes DISPENSE_UNKNOWN, and a late
 * result still settles it.
 */
@OnMariaDb
class UnansweredCommandTest extends PlatformTest {

    @ParameterizedTest
    @ValueSource(strings = {"WECHAT", "ALIPAY"})
    void aResultAfterDispenseUnknownStillSettlesTheOrder(String channel) {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder(channel);
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);

            platform.awaitStatus(orderNo, "DISPENSE_UNKNOWN", Duration.ofSeconds(15));
            List<JsonNode> sent = new ArrayList<>(machine.drainCommands());
            assertThat(sent.size()).as("re-sent while unanswered").isGreaterThanOrEqualTo(2);
            assertThat(sent).extracting(c -> c.path("cmdId").asString()).containsOnly(sent.get(0).path("cmdId").asString());

            machine.answer(sent.get(0), true, null);

            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            assertThat(platform.order(orderNo).path("timeline").findValuesAsString("type")).as(platform.story(orderNo))
                    .containsExactly("CREATED", "PAY", "COMMAND_SENT", "NO_ANSWER", "DISPENSE_OK");
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"WECHAT", "ALIPAY"})
    void aFailureReportedAfterDispenseUnknownIsRefunded(String channel) {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder(channel);
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);
            platform.awaitStatus(orderNo, "DISPENSE_UNKNOWN", Duration.ofSeconds(15));

            machine.answer(machine.nextCommand(5), false, "POWER_LOSS");

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(15));
            assertThat(platform.sandbox.refundRequests()).containsEntry("R" + orderNo, 1);
        }
    }
}
