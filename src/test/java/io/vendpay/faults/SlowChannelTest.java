package io.vendpay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Fault: the channel answers every API call after 5 s (its read timeout) for a while, with a backlog
 * of unpaid orders to query and close. The unpaid-order timer is slowed by it, and nothing else is:
 * a paid order's command is still re-sent every resend-after (1 s here) and reported DISPENSE_UNKNOWN
 * at unknown-after (6 s), and the expired orders are still closed, a few calls at a time.
 */
@OnMariaDb
class SlowChannelTest extends PlatformTest {

    private static final int UNPAID = 24;
    private static final long LATENCY_MS = 5_000;

    @Test
    void aSlowChannelDelaysOnlyItsOwnCallsNotTheDispenseTimers() {
        long start = System.currentTimeMillis() - 1;
        var machine = TestMachine.provision(platform, UNPAID + 2);
        List<String> unpaid = new ArrayList<>();
        for (int i = 0; i < UNPAID; i++) {
            unpaid.add(machine.newOrder().path("orderNo").asString());
        }
        JsonNode paid = machine.newOrder();
        String orderNo = paid.path("orderNo").asString();
        try {
            platform.sandbox.faults().slowApi(LATENCY_MS, 40_000);
            long slowFrom = System.currentTimeMillis();
            unpaid.forEach(platform::expireNow);     // all due at once: queued behind each other at the channel
            platform.pay(paid);

            JsonNode first = machine.nextCommand(10);
            long firstAt = System.currentTimeMillis();
            assertThat(first).as("the command went out\n%s", platform.story(orderNo)).isNotNull();
            JsonNode resent = machine.nextCommand(5);
            long resentAt = System.currentTimeMillis();
            assertThat(resent).as("re-sent within resend-after while the channel is slow\n%s", platform.story(orderNo)).isNotNull();
            assertThat(resent.path("cmdId").asString()).isEqualTo(first.path("cmdId").asString());
            assertThat(resentAt - firstAt).as("re-send after resend-after = 1 s").isLessThan(3_000);

            platform.awaitStatus(orderNo, "DISPENSE_UNKNOWN", Duration.ofSeconds(6 + 3));
            long unknownAt = System.currentTimeMillis();

            for (String o : unpaid) {
                platform.awaitStatus(o, "CLOSED", Duration.ofSeconds(60));
            }
            long closedAt = System.currentTimeMillis();
            for (String o : unpaid) {
                assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'EXPIRE'", o))
                        .as("expired once\n%s", platform.story(o)).isEqualTo(1);
            }
            System.out.printf("slow channel (%d ms per call, %d unpaid orders due): re-send %d ms after the command,"
                            + " DISPENSE_UNKNOWN %d ms after it, all %d expired orders closed %d ms after the slowness began%n",
                    LATENCY_MS, UNPAID, resentAt - firstAt, unknownAt - firstAt, UNPAID, closedAt - slowFrom);

            machine.answer(first, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            FaultChecks.assertAuditClean(platform, start);
        } finally {
            platform.sandbox.faults().slowApi(0, 0);
            machine.close();
        }
    }
}
