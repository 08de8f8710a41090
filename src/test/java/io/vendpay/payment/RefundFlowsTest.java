package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.MeterRegistry;
import io.vendpay.dispense.DispenseFailed;
import io.vendpay.testing.Json;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import io.vendpay.testing.WechatNotifications;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** Contract section 3, REFUNDING --> REFUNDED, through every corner a channel has. */
@OnMariaDb
class RefundFlowsTest extends PlatformTest {

    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    MeterRegistry meters;
    @Value("${vendpay.data-dir}")
    String dataDir;

    @Test
    void transientRefundFailuresAreRetriedUntilTheRefundGoesThroughOnce() {
        try (var machine = TestMachine.provision(platform, 5)) {
            platform.sandbox.faults().failRefundRequests(2);
            String orderNo = failedVend(machine);

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(20));
            assertThat(platform.sandbox.refundRequests()).containsEntry("R" + orderNo, 1);
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ? AND status = 'SUCCEEDED'", orderNo)).isEqualTo(1);
        }
    }

    @Test
    void aRefundWhoseNotificationIsLostIsSettledByTheRefundQuery() {
        try (var machine = TestMachine.provision(platform, 5)) {
            platform.sandbox.faults().dropRefundNotifications(1);
            String orderNo = failedVend(machine);

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(20));
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_refund_no = ?", "R" + orderNo)).isZero();
        }
    }

    @Test
    void concurrentRefundTriggersMakeOneRefund() throws Exception {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            platform.pay(order);
            JsonNode command = machine.nextCommand(10);

            var pool = Executors.newFixedThreadPool(20);
            var start = new CountDownLatch(1);
            var done = new ArrayList<Future<?>>();
            for (int i = 0; i < 20; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    tx.executeWithoutResult(s -> events.publishEvent(
                            new DispenseFailed(orderNo, command.path("cmdId").asString(), machine.deviceId, "MOTOR_JAM")));
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) {
                try {
                    f.get();
                } catch (Exception lostRace) {
                    // a loser of the row lock race may roll back; it must not make a second refund either way
                }
            }
            pool.shutdown();

            platform.awaitStatus(orderNo, "REFUNDED", Duration.ofSeconds(20));
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isEqualTo(1);
            assertThat(platform.sandbox.refundRequests()).containsEntry("R" + orderNo, 1);
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'DISPENSE_FAILED'", orderNo)).isEqualTo(1);
        }
    }

    @Test
    void anAbnormalRefundIsAnAlertAnOperatorCanSee() {
        try (var machine = TestMachine.provision(platform, 5)) {
            double before = alerts("REFUND_ABNORMAL");
            platform.sandbox.faults().abnormalRefunds(1);
            String orderNo = failedVend(machine);

            await().atMost(Duration.ofSeconds(20)).until(() ->
                    platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ? AND status = 'ABNORMAL'", orderNo) == 1);
            assertThat(alerts("REFUND_ABNORMAL")).isEqualTo(before + 1);
            assertThat(platform.status(orderNo)).isEqualTo("REFUNDING");
            var listed = Json.read(platform.admin("GET", "/api/v1/admin/refunds?status=ABNORMAL", null).body());
            assertThat(listed.path("refunds").findValuesAsString("orderNo")).contains(orderNo);
            assertThat(platform.order(orderNo).path("refund").path("status").asString()).isEqualTo("ABNORMAL");
            long nextCheck = platform.count("SELECT next_attempt_at FROM refund WHERE order_no = ?", orderNo);
            assertThat(nextCheck - System.currentTimeMillis()).as("re-checked slowly, not in a loop").isGreaterThan(30 * 60_000);
        }
    }

    @Test
    void aRefundNotificationForARefundWeNeverRequestedChangesNothing() {
        try (var machine = TestMachine.provision(platform, 5)) {
            double before = alerts("REFUND_UNKNOWN");
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            var n = new WechatNotifications(dataDir).refund(orderNo, "R-NOT-OURS-1", 350);

            var answer = platform.post("/api/v1/pay/wechat/refund-notify", n.headers(), n.body());

            assertThat(answer.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> alerts("REFUND_UNKNOWN") == before + 1);
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE out_refund_no = 'R-NOT-OURS-1' AND outcome = 'UNKNOWN_REFUND'"))
                    .isEqualTo(1);
            assertThat(platform.status(orderNo)).isEqualTo("CREATED");
        }
    }

    private String failedVend(TestMachine machine) {
        JsonNode order = machine.newOrder();
        platform.pay(order);
        JsonNode command = machine.nextCommand(10);
        machine.answer(command, false, "MOTOR_JAM");
        return order.path("orderNo").asString();
    }

    private double alerts(String kind) {
        var c = meters.find("vendpay_alerts").tag("kind", kind).counter();
        return c == null ? 0 : c.count();
    }
}
