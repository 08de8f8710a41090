package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * Fault: a machine goes offline in the middle of a vend, holding its result, and stays away well past
 * unknown-after (6 s in the test context, minutes in production). The order waits in DISPENSE_UNKNOWN,
 * never refunded on a guess; when the machine is back, the commands re-sent meanwhile reach it under the
 * same cmdId and its stored result settles the order: dispensed stays dispensed, a failed vend is
 * refunded once.
 */
@OnMariaDb
class MachineOfflineTest extends PlatformTest {

    @ParameterizedTest(name = "vend ok={0}")
    @ValueSource(booleans = {true, false})
    void aMachineBackAfterDispenseUnknownSettlesTheOrderWithItsStoredResult(boolean vended) {
        long start = System.currentTimeMillis() - 1;    // this context is shared: audit this test's orders
        var machine = TestMachine.provision(platform, 5);
        JsonNode order = machine.newOrder();
        String orderNo = order.path("orderNo").asString();
        platform.pay(order);
        JsonNode held = machine.nextCommand(10);
        assertThat(held).as("the command reached the machine\n%s", platform.story(orderNo)).isNotNull();
        machine.close();    // power or network gone, the result not yet published

        platform.awaitStatus(orderNo, "DISPENSE_UNKNOWN", Duration.ofSeconds(20));
        // away well past unknown-after: nothing is decided for the customer while the machine cannot say
        await("order " + orderNo + " waits in DISPENSE_UNKNOWN, unrefunded, while its machine is away")
                .during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12))
                .until(() -> platform.status(orderNo).equals("DISPENSE_UNKNOWN")
                        && platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo) == 0);

        try (var back = TestMachine.reconnect(platform, machine.deviceId, machine.secret)) {
            JsonNode resent = back.nextCommand(20);
            assertThat(resent).as("re-sent to the machine after it came back\n%s", platform.story(orderNo)).isNotNull();
            List<JsonNode> all = new ArrayList<>(List.of(held, resent));
            all.addAll(back.drainCommands());
            assertThat(all).extracting(c -> c.path("cmdId").asString()).containsOnly(held.path("cmdId").asString());

            back.answer(held, vended, vended ? null : "MOTOR_JAM");
            // the machine answers every repeat of the cmdId with the same stored result (contract section 5)
            back.answer(resent, vended, vended ? null : "MOTOR_JAM");

            platform.awaitStatus(orderNo, vended ? "DISPENSED" : "REFUNDED", Duration.ofSeconds(20));
            if (vended) {
                assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo))
                        .as(platform.story(orderNo)).isZero();
            } else {
                assertThat(platform.sandbox.refundRequests()).as(platform.story(orderNo)).containsEntry("R" + orderNo, 1);
            }
            FaultChecks.assertAuditClean(platform, start);
        }
    }
}
