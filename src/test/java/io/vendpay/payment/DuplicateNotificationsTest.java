package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.vendpay.sandbox.PaymentSandbox;
import io.vendpay.testing.Concurrently;
import io.vendpay.testing.OnMariaDb;
import io.vendpay.testing.PlatformTest;
import io.vendpay.testing.TestMachine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Invariants 2 and 5: the same notification any number of times, at once, has the effect of one. */
@OnMariaDb
class DuplicateNotificationsTest extends PlatformTest {

    @Test
    void fiftyConcurrentCopiesOfOneNotificationPayOnceAndDispenseOnce() throws Exception {
        try (var machine = TestMachine.provision(platform, 5)) {
            JsonNode order = machine.newOrder();
            String orderNo = order.path("orderNo").asString();
            String txn = platform.sandbox.pay(order.path("qrCode").asString(), null, false);
            PaymentSandbox.SignedRequest n = platform.sandbox.paymentNotification(orderNo).orElseThrow();

            List<HttpResponse<String>> answers = Concurrently.run(50, i -> platform.post(n.path(), n.headers(), n.body()));

            assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
            platform.awaitStatus(orderNo, "DISPENSING", Duration.ofSeconds(10));
            assertThat(platform.count("SELECT COUNT(*) FROM payment_notification WHERE transaction_id = ?", txn)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM order_event WHERE order_no = ? AND type = 'PAY'", orderNo)).isEqualTo(1);
            assertThat(platform.count("SELECT COUNT(*) FROM dispense_command WHERE order_no = ?", orderNo)).isEqualTo(1);

            JsonNode first = machine.nextCommand(10);
            assertThat(first).isNotNull();
            Thread.sleep(500);
            var all = new ArrayList<JsonNode>(List.of(first));
            all.addAll(machine.drainCommands());
            assertThat(all).extracting(c -> c.path("cmdId").asString()).containsOnly(first.path("cmdId").asString());

            machine.answer(first, true, null);
            platform.awaitStatus(orderNo, "DISPENSED", Duration.ofSeconds(10));
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
        }
    }
}
