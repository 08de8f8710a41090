package io.vendpay.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.vendpay.sim.PaymentSandbox;
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

            List<HttpResponse<String>> answers = sendConcurrently(50, n);

            assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> platform.status(orderNo).equals("DISPENSING"));
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
            await().atMost(Duration.ofSeconds(10)).until(() -> platform.status(orderNo).equals("DISPENSED"));
            assertThat(platform.count("SELECT COUNT(*) FROM refund WHERE order_no = ?", orderNo)).isZero();
        }
    }

    private List<HttpResponse<String>> sendConcurrently(int copies, PaymentSandbox.SignedRequest n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(copies);
        try {
            var start = new CountDownLatch(1);
            var futures = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < copies; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return platform.post(n.path(), n.headers(), n.body());
                }));
            }
            start.countDown();
            var answers = new ArrayList<HttpResponse<String>>();
            for (var f : futures) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
