package io.vendpay.dispense;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Invariant 1 and the failure path: a failed vend is refunded exactly once; a dispensed order never is. */
@OnMariaDb
class DispenseFailureTest extends PlatformTest {

    @Test
    void aFailedVendLeadsToExactlyOneRefund() throws Exception {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);
            JsonNode command = machine.nextCommand(10);
            assertThat(command).isNotNull();

            for (int i = 0; i < 10; i++) {
                machine.answer(command, false, "MOTOR_JAM");
            }

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(15));
            Thread.sleep(500);
            assertThat(platform.sandbox.refundRequests()).containsEntry("R" + orderNo, 1);
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isEqualTo(1);
            assertThat(platform.count("SELECT refund_fen FROM refund WHERE order_no = ?", orderNo)).isEqualTo(350);
            // The machine answers as soon as it has the command; should the broker's acknowledgement and the
            // answer both come later than unknown-after, NO_ANSWER legitimately sits between PAY and the failure.
            var story = platform.order(orderNo).path("timeline").findValuesAsString("type");
            assertThat(story).as(platform.story(orderNo))
                    .containsSubsequence("CREATED", "PAY", "DISPENSE_FAILED", "REFUND_DONE")
                    .doesNotContain("DISPENSE_OK")
                    .containsOnlyOnce("PAY", "DISPENSE_FAILED", "REFUND_DONE")
                    .endsWith("DISPENSE_FAILED", "REFUND_DONE");
            assertThat(story.subList(2, story.size() - 2)).as(platform.story(orderNo)).isSubsetOf("COMMAND_SENT", "NO_ANSWER");
            assertThat(platform.count("SELECT held FROM slot WHERE device_id = ?", machine.deviceId)).isZero();
            assertThat(platform.count("SELECT stock FROM slot WHERE device_id = ?", machine.deviceId)).isEqualTo(5);
        }
    }

    @Test
    void aDispensedOrderIsNeverRefundedWhateverArrivesLater() throws Exception {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);
            JsonNode command = machine.nextCommand(10);
            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));

            machine.answer(command, false, "MOTOR_JAM");                       // a contradicting late result
            var again = platform.sandbox.paymentNotification(orderNo).orElseThrow();  // the payment notified again
            assertThat(platform.post(again.path(), again.headers(), again.body()).statusCode()).isEqualTo(200);
            Thread.sleep(2_000);                                                // re-sends and sweepers get their chance

            assertThat(platform.status(orderNo)).isEqualTo("DISPENSED");
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
            assertThat(platform.sandbox.refundRequests()).doesNotContainKey("R" + orderNo);
        }
    }
}
