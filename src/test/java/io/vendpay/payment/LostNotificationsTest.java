package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A notification the channel never sends is recovered by the payment query (query-after is 2 s in
 * tests), through the same store and dedup key, so the notification arriving later is a no-op.
 */
@OnMariaDb
class LostNotificationsTest extends PlatformTest {

    @Test
    void aPaymentWhoseNotificationIsLostIsFoundByTheQueryAndAppliedOnce() {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            String txn = platform.sandbox.pay(order.path("qrCode").asString(), null, false);

            JsonNode command = machine.nextCommand(15);
            assertThat(command).as("dispensed after the query found the payment").isNotNull();
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE transaction_id = ? AND source = 'QUERY'", txn))
                    .isEqualTo(1);

            var late = platform.sandbox.paymentNotification(orderNo).orElseThrow();
            assertThat(platform.post(late.path(), late.headers(), late.body()).statusCode()).isEqualTo(200);

            machine.answer(command, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE transaction_id = ?", txn)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'PAY'", orderNo)).isEqualTo(1);
            assertThat(platform.order(orderNo).path("timeline").get(1).path("detail").asString()).contains("source=QUERY");
        }
    }

    @Test
    void anUnpaidOrderIsQueriedTwiceBeforeItExpiresAndNeverMore() {
        try (var machine = TestMachine.provision(platform, 5)) {
            String orderNo = machine.newOrder().path("orderNo").asString();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> platform.count("SELECT queries FROM orders WHERE order_no = ?", orderNo) == 1);
            long dueAt = platform.count("SELECT due_at FROM orders WHERE order_no = ?", orderNo);
            long expiresAt = platform.count("SELECT expires_at FROM orders WHERE order_no = ?", orderNo);
            assertThat(expiresAt - dueAt).as("the second query is just before expiry").isEqualTo(10_000);
            assertThat(platform.status(orderNo)).isEqualTo("CREATED");
        }
    }
}
